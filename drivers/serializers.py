from rest_framework import serializers

from .models import (
    Applicant,
    Driver,
    QuizChoice,
    QuizQuestion,
    SafetyIncident,
    TimeOff,
    TrainingCompletion,
    TrainingModule,
    WeeklyAvailability,
)


class DriverSerializer(serializers.ModelSerializer):
    class Meta:
        model = Driver
        fields = [
            "id",
            "dsp",
            "first_name",
            "last_name",
            "licence_number",
            "licence_class",
            "licence_expires_on",
            "status",
            "hourly_rate",
            "hired_on",
            "terminated_on",
        ]


class AssignableDriverSerializer(serializers.ModelSerializer):
    shift_start = serializers.TimeField()
    shift_end = serializers.TimeField()
    shift_hours = serializers.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        model = Driver
        fields = ["id", "first_name", "last_name", "shift_start", "shift_end", "shift_hours"]


class AssignableQuerySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="Default: today at the DSP's station")


class ApplicantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Applicant
        fields = [
            "id",
            "dsp",
            "first_name",
            "last_name",
            "email",
            "phone",
            "licence_number",
            "licence_class",
            "licence_expires_on",
            "source",
            "stage",
            "stage_changed_at",
            "driver",
        ]
        read_only_fields = ["dsp", "stage", "stage_changed_at", "driver"]


class ApplicantMoveSerializer(serializers.Serializer):
    applicant = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Applicant.Stage.choices)
    hourly_rate = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, min_value=0
    )


class QuizChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuizChoice
        fields = ["id", "text"]  # which one is right is never sent


class QuizQuestionSerializer(serializers.ModelSerializer):
    choices = QuizChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = QuizQuestion
        fields = ["id", "text", "choices"]


class TrainingModuleSerializer(serializers.ModelSerializer):
    questions = QuizQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingModule
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "content",
            "audience",
            "pass_mark",
            "renewal_days",
            "is_active",
            "questions",
        ]


class TrainingCompletionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrainingCompletion
        fields = ["id", "module", "driver", "user", "score", "passed", "completed_at"]


class TrainingAttemptSerializer(serializers.Serializer):
    module = serializers.IntegerField()
    answers = serializers.DictField(
        child=serializers.IntegerField(), help_text="Question id → chosen choice id"
    )


class WeeklyAvailabilitySerializer(serializers.ModelSerializer):
    class Meta:
        model = WeeklyAvailability
        fields = ["id", "driver", "weekday", "available", "starts_at", "ends_at", "shift_hours"]


class TimeOffSerializer(serializers.ModelSerializer):
    class Meta:
        model = TimeOff
        fields = ["id", "driver", "starts_on", "ends_on", "reason"]


class SafetyIncidentSerializer(serializers.ModelSerializer):
    # A plain string here: one enum component (the input's) keeps the schema's names unique.
    kind = serializers.CharField(read_only=True, help_text=", ".join(SafetyIncident.Kind.values))

    class Meta:
        model = SafetyIncident
        fields = ["id", "driver", "kind", "severity", "occurred_at", "route_ref", "notes"]


class TimeOffInputSerializer(serializers.Serializer):
    driver = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    reason = serializers.CharField(max_length=160, required=False, default="", allow_blank=True)


class SafetyIncidentInputSerializer(serializers.Serializer):
    driver = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SafetyIncident.Kind.choices)
    severity = serializers.ChoiceField(
        choices=SafetyIncident.Severity.choices, default=SafetyIncident.Severity.LOW
    )
    occurred_at = serializers.DateTimeField()
    route_ref = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    notes = serializers.CharField(required=False, default="", allow_blank=True)
