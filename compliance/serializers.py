"""Compliance API shapes."""

from rest_framework import serializers

from nextmile.dates import DayField

from .models import ActionResponse, ComplianceAction, Offboarding


class ActionResponseSerializer(serializers.ModelSerializer):
    has_document = serializers.SerializerMethodField()

    class Meta:
        model = ActionResponse
        fields = [
            "id",
            "action",
            "author",
            "message",
            "document_name",
            "has_document",
            "created_at",
        ]
        read_only_fields = fields

    def get_has_document(self, obj) -> bool:
        return bool(obj.document)


class ComplianceActionSerializer(serializers.ModelSerializer):
    responses = ActionResponseSerializer(many=True, read_only=True)

    class Meta:
        model = ComplianceAction
        fields = [
            "id",
            "dsp",
            "kind",
            "reason",
            "evidence",
            "due_on",
            "acknowledged_at",
            "amount",
            "starts_on",
            "ends_on",
            "lifts",
            "created_at",
            "responses",
        ]
        read_only_fields = fields


class EvidenceSerializer(serializers.Serializer):
    incidents = serializers.ListField(child=serializers.IntegerField(), required=False)
    scorecards = serializers.ListField(child=serializers.IntegerField(), required=False)
    inspections = serializers.ListField(child=serializers.IntegerField(), required=False)


# The kinds staff record (a lift is recorded by `lift`); one enum of the schema, named in
# ENUM_NAME_OVERRIDES, for the draft and the create alike.
ACTION_KINDS = [
    c for c in ComplianceAction.Kind.choices if c[0] != ComplianceAction.Kind.SUSPENSION_LIFTED
]


class ActionDraftSerializer(serializers.Serializer):
    """An action as staff would record it: the body of `termination-preview`, and of create
    with its `confirm`."""

    dsp = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    kind = serializers.ChoiceField(choices=ACTION_KINDS)
    reason = serializers.CharField(max_length=4000)
    evidence = EvidenceSerializer(required=False)
    due_on = DayField(required=False, allow_null=True)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    starts_on = DayField(required=False, allow_null=True)
    ends_on = DayField(required=False, allow_null=True)
    effective_on = DayField(required=False, allow_null=True)


PREVIEW_TERMINATION_FIRST = (
    "Preview the termination first (termination-preview) and send its token back."
)


class ActionCreateSerializer(ActionDraftSerializer):
    """An action to record; a termination carries the token of its preview."""

    confirm = serializers.CharField(
        max_length=128,
        required=False,
        help_text="termination only, and required for it: the `token` of its preview "
        "(`termination-preview`) with the same body; refused when the DSP changed since",
        error_messages={"blank": PREVIEW_TERMINATION_FIRST, "null": PREVIEW_TERMINATION_FIRST},
    )

    def validate(self, attrs):
        if attrs["kind"] == ComplianceAction.Kind.TERMINATION and "confirm" not in attrs:
            raise serializers.ValidationError({"confirm": [PREVIEW_TERMINATION_FIRST]})
        return attrs


class TerminationPreviewSerializer(serializers.Serializer):
    """What terminating a DSP will do, as its confirmation page says it, and the token to
    confirm it."""

    dsp = serializers.IntegerField(source="dsp.pk")
    effective_on = serializers.DateField()
    drivers = serializers.IntegerField(help_text="drivers terminated on `effective_on`")
    accounts = serializers.IntegerField(
        help_text="dispatcher and driver accounts closed on `effective_on`"
    )
    leases = serializers.IntegerField(
        help_text="van leases still open, which the offboarding returns or transfers"
    )
    routes_after = serializers.IntegerField(
        help_text="routes planned from `effective_on` on, which another DSP must cover"
    )
    button = serializers.CharField(help_text="the action, in the words of the page's button")
    token = serializers.CharField(help_text="send back as `confirm` to record the termination")


class ActionRespondSerializer(serializers.Serializer):
    action = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    message = serializers.CharField(max_length=4000)
    document = serializers.FileField(required=False, allow_null=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class EmptySerializer(serializers.Serializer):
    pass


class OffboardingSerializer(serializers.ModelSerializer):
    steps = serializers.SerializerMethodField()

    class Meta:
        model = Offboarding
        fields = [
            "id",
            "dsp",
            "kind",
            "status",
            "reason",
            "effective_on",
            "action",
            "final_statement",
            "completed_at",
            "steps",
            "created_at",
        ]
        read_only_fields = fields

    def get_steps(self, obj) -> list[dict[str, str]]:
        return [
            {
                "key": s["key"],
                "label": s["label"],
                "done_at": s["done_at"].isoformat() if s["done_at"] else "",
            }
            for s in obj.steps
        ]


class ExitStartSerializer(serializers.Serializer):
    dsp = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="staff only; owners leave their own",
    )
    effective_on = DayField()
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class LeaseTransferSerializer(serializers.Serializer):
    lease = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    to_dsp = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="an active DSP of the same station"
    )


class StepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["territories", "leases", "settle", "accounts"])
    transfers = LeaseTransferSerializer(
        many=True,
        required=False,
        help_text="leases step only: leases whose van goes to another DSP (others end)",
    )


class StepConfirmSerializer(StepSerializer):
    confirm = serializers.CharField(
        max_length=128,
        help_text="the `token` of the step's preview (`step-preview`) with the same step and "
        "transfers; refused when the figures changed since",
        error_messages={
            "required": "Preview the step first (step-preview) and send its token back.",
            "blank": "Preview the step first (step-preview) and send its token back.",
        },
    )


class StepPreviewSerializer(serializers.Serializer):
    """What a step will do, as its confirmation page says it, and the token to confirm it."""

    step = serializers.CharField()
    title = serializers.CharField()
    effects = serializers.ListField(child=serializers.CharField())
    button = serializers.CharField(help_text="the action, in the words of the page's button")
    token = serializers.CharField(help_text="send back as `confirm` to run the step")
