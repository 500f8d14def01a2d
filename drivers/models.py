"""The people who drive a DSP's routes: hiring, roster, training, availability and safety."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from dsps.models import Dsp, TimeStampedModel
from nextmile.validators import validate_plain_text

LICENCE_ALERT_DAYS = 30


class LicenceClass(models.TextChoices):
    C = "C", "Class C (standard)"
    B = "B", "Class B"
    A = "A", "Class A"


class Driver(TimeStampedModel):
    """A driver employed by one DSP; `user` is their sign-in once invited."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_LEAVE = "on_leave", "On leave"
        TERMINATED = "terminated", "Terminated"

    TENANT_PATH = "dsp"
    DRIVER_PATH = "user"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="drivers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="driver_profile",
    )
    first_name = models.CharField(max_length=80, validators=[validate_plain_text])
    last_name = models.CharField(max_length=80, validators=[validate_plain_text])
    phone = models.CharField(max_length=32, blank=True)
    licence_number = models.CharField(max_length=32)
    licence_class = models.CharField(
        max_length=2, choices=LicenceClass.choices, default=LicenceClass.C
    )
    licence_expires_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    hourly_rate = models.DecimalField(max_digits=6, decimal_places=2, default=21)
    hired_on = models.DateField(null=True, blank=True)
    terminated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["dsp", "licence_number"], name="driver_licence_unique_in_dsp"
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0), name="driver_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True)
                | Q(hired_on__isnull=True)
                | Q(terminated_on__gte=models.F("hired_on")),
                name="driver_terminated_after_hired",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def licence_valid_on(self, day: date) -> bool:
        return self.licence_expires_on >= day

    def licence_alert_on(self, day: date) -> bool:
        """The licence is still valid on `day` but expires within the alert window."""
        return 0 <= (self.licence_expires_on - day).days <= LICENCE_ALERT_DAYS

    def tenure_days(self, day: date) -> int | None:
        if self.hired_on is None:
            return None
        end = self.terminated_on or day
        return max((end - self.hired_on).days, 0)


class DriverDocument(TimeStampedModel):
    """A file kept on a driver's record: licence scan, medical card, background check."""

    class Kind(models.TextChoices):
        LICENCE = "licence", "Driving licence"
        MEDICAL = "medical", "Medical card"
        BACKGROUND = "background", "Background check"
        OTHER = "other", "Other"

    TENANT_PATH = "driver__dsp"
    DRIVER_PATH = "driver__user"

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to="drivers/documents/%Y/%m/")
    original_name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.driver}"


class Applicant(TimeStampedModel):
    """Someone applying to drive for a DSP, moving through the hiring stages."""

    class Stage(models.TextChoices):
        APPLIED = "applied", "Applied"
        INTERVIEWED = "interviewed", "Interviewed"
        OFFERED = "offered", "Offered"
        HIRED = "hired", "Hired"
        DECLINED = "declined", "Declined"

    class Source(models.TextChoices):
        REFERRAL = "referral", "Referral"
        JOB_BOARD = "job_board", "Job board"
        WEBSITE = "website", "Website"
        WALK_IN = "walk_in", "Walk-in"
        OTHER = "other", "Other"

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="applicants")
    first_name = models.CharField(max_length=80, validators=[validate_plain_text])
    last_name = models.CharField(max_length=80, validators=[validate_plain_text])
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    licence_number = models.CharField(max_length=32)
    licence_class = models.CharField(
        max_length=2, choices=LicenceClass.choices, default=LicenceClass.C
    )
    licence_expires_on = models.DateField()
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.JOB_BOARD)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.APPLIED)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    driver = models.OneToOneField(
        Driver, on_delete=models.SET_NULL, null=True, blank=True, related_name="applicant"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage="hired", driver__isnull=False) | ~Q(stage="hired"),
                name="applicant_hired_has_driver",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_closed(self) -> bool:
        return self.stage in (self.Stage.HIRED, self.Stage.DECLINED)

    @property
    def next_stages(self) -> list[tuple[str, str]]:
        """Where the applicant may go from here, as (value, label) pairs."""
        return [(s.value, s.label) for s in APPLICANT_NEXT_STAGES[self.stage]]


APPLICANT_NEXT_STAGES = {
    Applicant.Stage.APPLIED: (Applicant.Stage.INTERVIEWED, Applicant.Stage.DECLINED),
    Applicant.Stage.INTERVIEWED: (Applicant.Stage.OFFERED, Applicant.Stage.DECLINED),
    Applicant.Stage.OFFERED: (Applicant.Stage.HIRED, Applicant.Stage.DECLINED),
    Applicant.Stage.HIRED: (),
    Applicant.Stage.DECLINED: (),
}


class Audience(models.TextChoices):
    DRIVER = "driver", "Drivers"
    OWNER = "owner", "DSP owners"


class TrainingModule(TimeStampedModel):
    """A lesson with a short quiz, required for drivers or for DSP owners (program-authored)."""

    SHARED_REFERENCE = True

    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=160)
    summary = models.CharField(max_length=255, blank=True)
    content = models.TextField(help_text="Markdown")
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.DRIVER)
    pass_mark = models.PositiveSmallIntegerField(default=80, help_text="Percent to pass")
    renewal_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days a pass stays current; empty: never expires"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["audience", "position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="module_pass_mark_percent"
            ),
            models.CheckConstraint(
                condition=Q(renewal_days__isnull=True) | Q(renewal_days__gte=1),
                name="module_renewal_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(TimeStampedModel):
    SHARED_REFERENCE = True

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["module", "position", "id"]

    def __str__(self) -> str:
        return self.text


class QuizChoice(TimeStampedModel):
    SHARED_REFERENCE = True

    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=255)
    is_correct = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class TrainingCompletion(TimeStampedModel):
    """One attempt at a module's quiz: the score, whether it passed, and when (append-only)."""

    TENANT_PATH = "dsp"
    DRIVER_PATH = "user"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="training_completions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_completions",
    )
    driver = models.ForeignKey(
        Driver,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="training_completions",
    )
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="completions")
    score = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    completed_at = models.DateTimeField()

    class Meta:
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(driver__isnull=False),
                name="completion_has_a_person",
            ),
            models.CheckConstraint(condition=Q(score__lte=100), name="completion_score_percent"),
        ]
        indexes = [models.Index(fields=["driver", "module", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.module} · {self.score}%"

    def current_on(self, day: date, tz) -> bool:
        """A pass counts until its renewal period runs out."""
        if not self.passed:
            return False
        done_on = self.completed_at.astimezone(tz).date()
        if done_on > day:
            return False
        days = self.module.renewal_days
        return days is None or (day - done_on).days <= days


class WeeklyAvailability(TimeStampedModel):
    """One weekday of a driver's usual week: available or not, and the shift they can work."""

    TENANT_PATH = "driver__dsp"
    DRIVER_PATH = "driver__user"

    WEEKDAYS = [
        (0, "Monday"),
        (1, "Tuesday"),
        (2, "Wednesday"),
        (3, "Thursday"),
        (4, "Friday"),
        (5, "Saturday"),
        (6, "Sunday"),
    ]

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    available = models.BooleanField(default=True)
    starts_at = models.TimeField(null=True, blank=True)
    ends_at = models.TimeField(null=True, blank=True)
    shift_hours = models.DecimalField(max_digits=4, decimal_places=2, default=0)

    class Meta:
        ordering = ["driver", "weekday"]
        verbose_name_plural = "weekly availability"
        constraints = [
            models.UniqueConstraint(fields=["driver", "weekday"], name="availability_one_per_day"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday"),
            models.CheckConstraint(
                condition=Q(available=False)
                | Q(starts_at__isnull=False, ends_at__gt=models.F("starts_at")),
                name="availability_shift_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.driver} · {self.get_weekday_display()}"

    def clean(self) -> None:
        if not self.available:
            self.starts_at = self.ends_at = None
            self.shift_hours = Decimal("0")
            return
        if self.starts_at is None or self.ends_at is None:
            raise ValidationError({"starts_at": "Give the shift's start and end."})
        if self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The shift must end after it starts."})
        minutes = (
            datetime.combine(date.min, self.ends_at) - datetime.combine(date.min, self.starts_at)
        ).seconds // 60
        self.shift_hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"))


class TimeOff(TimeStampedModel):
    """Dated leave: the driver is not available on any day from `starts_on` to `ends_on`."""

    TENANT_PATH = "driver__dsp"
    DRIVER_PATH = "driver__user"

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="time_off")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=160, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="time_off_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.driver} · {self.starts_on}–{self.ends_on}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "Time off cannot end before it starts."})


class SafetyIncident(TimeStampedModel):
    """A safety or conduct event on a driver's record."""

    class Kind(models.TextChoices):
        SPEEDING = "speeding", "Speeding"
        HARSH_BRAKING = "harsh_braking", "Harsh braking"
        SEATBELT = "seatbelt", "Seatbelt"
        ACCIDENT = "accident", "Accident"
        CUSTOMER_COMPLAINT = "customer_complaint", "Customer complaint"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    TENANT_PATH = "driver__dsp"
    DRIVER_PATH = "driver__user"

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="incidents")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.LOW)
    occurred_at = models.DateTimeField()
    # The route's code or id once routes exist; drivers never import routes, so no foreign key.
    route_ref = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.driver}"
