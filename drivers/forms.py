"""Forms for drivers' pages; the services validate, forms show their errors on the named field."""

from django import forms

from .models import (
    Applicant,
    Audience,
    Driver,
    DriverDocument,
    SafetyIncident,
    TrainingModule,
    WeeklyAvailability,
)

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ApplicantForm(forms.ModelForm):
    class Meta:
        model = Applicant
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "licence_number",
            "licence_class",
            "licence_expires_on",
            "source",
        ]
        widgets = {"licence_expires_on": DATE}


class DriverForm(forms.ModelForm):
    class Meta:
        model = Driver
        fields = [
            "first_name",
            "last_name",
            "phone",
            "status",
            "licence_number",
            "licence_class",
            "licence_expires_on",
            "hourly_rate",
            "hired_on",
        ]
        widgets = {"licence_expires_on": DATE, "hired_on": DATE}

    def validate_unique(self):
        """Uniqueness is the service's to check, with a message naming the licence."""


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=DriverDocument.Kind.choices)
    file = forms.FileField(help_text="PDF, PNG or JPEG")


class TimeOffForm(forms.Form):
    starts_on = forms.DateField(widget=DATE, label="From")
    ends_on = forms.DateField(widget=DATE, label="To")
    reason = forms.CharField(max_length=160, required=False)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(choices=SafetyIncident.Kind.choices)
    severity = forms.ChoiceField(choices=SafetyIncident.Severity.choices)
    occurred_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="When"
    )
    route_ref = forms.CharField(max_length=40, required=False, label="Route")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AvailabilityForm(forms.Form):
    """Seven rows: available, from, to."""

    def __init__(self, *args, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {r.weekday: r for r in rows or []}
        for weekday, name in WeeklyAvailability.WEEKDAYS:
            row = existing.get(weekday)
            self.fields[f"available_{weekday}"] = forms.BooleanField(
                required=False, label=name, initial=row.available if row else False
            )
            self.fields[f"starts_at_{weekday}"] = forms.TimeField(
                required=False, widget=TIME, label="From", initial=row.starts_at if row else None
            )
            self.fields[f"ends_at_{weekday}"] = forms.TimeField(
                required=False, widget=TIME, label="To", initial=row.ends_at if row else None
            )

    def days(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            wd: {
                "available": data[f"available_{wd}"],
                "starts_at": data[f"starts_at_{wd}"],
                "ends_at": data[f"ends_at_{wd}"],
            }
            for wd, _ in WeeklyAvailability.WEEKDAYS
        }

    def rows(self):
        for weekday, name in WeeklyAvailability.WEEKDAYS:
            yield name, [self[f"{k}_{weekday}"] for k in ("available", "starts_at", "ends_at")]


class ModuleForm(forms.Form):
    slug = forms.SlugField(max_length=64, help_text="Short name in addresses, e.g. safe-driving")
    title = forms.CharField(max_length=160)
    summary = forms.CharField(max_length=255, required=False)
    audience = forms.ChoiceField(choices=Audience.choices, label="Required for")
    pass_mark = forms.IntegerField(min_value=1, max_value=100, initial=80, label="Pass mark (%)")
    renewal_days = forms.IntegerField(
        min_value=1, required=False, label="Renewal period (days)", help_text="Empty: never"
    )
    position = forms.IntegerField(min_value=0, initial=0)
    is_active = forms.BooleanField(required=False, initial=True, label="Active")
    content = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), help_text="Markdown")
    quiz = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="“Q: question” lines, then “* right answer” and “- wrong answer” lines.",
    )

    @classmethod
    def for_module(cls, module: TrainingModule, quiz: str):
        return cls(
            initial={
                "slug": module.slug,
                "title": module.title,
                "summary": module.summary,
                "audience": module.audience,
                "pass_mark": module.pass_mark,
                "renewal_days": module.renewal_days,
                "position": module.position,
                "is_active": module.is_active,
                "content": module.content,
                "quiz": quiz,
            }
        )


class QuizForm(forms.Form):
    """One radio group per question (answers are choice ids)."""

    def __init__(self, *args, module: TrainingModule, **kwargs):
        super().__init__(*args, **kwargs)
        for question in module.questions.all():
            self.fields[f"q_{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=[(c.pk, c.text) for c in question.choices.all()],
                widget=forms.RadioSelect,
                coerce=int,
                required=False,
            )

    def answers(self) -> dict[int, int]:
        return {
            int(name[2:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q_") and value not in (None, "")
        }
