"""Compliance data: program actions against a DSP, the DSP's responses, and offboarding."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from billing.models import PendingAdjustment, Statement
from dsps.models import Dsp, TimeStampedModel

MONEY = {"max_digits": 12, "decimal_places": 2}


class ComplianceAction(TimeStampedModel):
    """One recorded program action against a DSP, with its reason and evidence (append-only;
    a lifted suspension is a new action naming the one it lifts)."""

    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        CORRECTIVE_PLAN = "corrective_plan", "Corrective-action plan"
        PENALTY = "penalty", "Financial penalty"
        SUSPENSION = "suspension", "Suspension of new routes"
        SUSPENSION_LIFTED = "suspension_lifted", "Suspension lifted"
        TERMINATION = "termination", "Termination"

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="compliance_actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField()
    # {"incidents": [ids], "scorecards": [ids], "inspections": [ids]} of the DSP's own records
    evidence = models.JSONField(default=dict, blank=True)
    # Corrective-action plan
    due_on = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Financial penalty
    amount = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    charge = models.OneToOneField(
        PendingAdjustment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compliance_action",
    )
    # Suspension
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    lifts = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="lifted_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="corrective_plan") | Q(due_on__isnull=False),
                name="compliance_plan_has_due_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="penalty") | Q(amount__gt=0),
                name="compliance_penalty_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(kind="suspension") | Q(starts_on__isnull=False),
                name="compliance_suspension_has_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="compliance_suspension_ends_after_start",
            ),
            # A second termination of the same DSP cannot commit, even in a race.
            models.UniqueConstraint(
                fields=["dsp"], condition=Q(kind="termination"), name="compliance_one_termination"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.dsp.name}"

    @property
    def needs_acknowledgement(self) -> bool:
        return self.kind == self.Kind.CORRECTIVE_PLAN and self.acknowledged_at is None


class ActionResponse(TimeStampedModel):
    """A DSP's answer to an action: a message and optionally one document."""

    TENANT_PATH = "action__dsp"

    action = models.ForeignKey(ComplianceAction, on_delete=models.PROTECT, related_name="responses")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField()
    document = models.FileField(upload_to="compliance/responses/", blank=True)
    document_name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Response to {self.action}"


class Offboarding(TimeStampedModel):
    """A DSP leaving the program (terminated, or by its own choice), step by step."""

    class Kind(models.TextChoices):
        TERMINATION = "termination", "Termination"
        VOLUNTARY = "voluntary", "Voluntary exit"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    TENANT_PATH = "dsp"

    dsp = models.OneToOneField(Dsp, on_delete=models.PROTECT, related_name="offboarding")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    reason = models.TextField(blank=True)
    # From this date the DSP gets no new routes, its leases end and its dispatchers' and
    # drivers' accounts close (the day before is its last working day).
    effective_on = models.DateField()
    action = models.OneToOneField(
        ComplianceAction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offboarding",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    territories_released_at = models.DateTimeField(null=True, blank=True)
    leases_ended_at = models.DateTimeField(null=True, blank=True)
    accounts_deactivated_at = models.DateTimeField(null=True, blank=True)
    final_statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.dsp.name}"

    @property
    def steps(self) -> list[dict]:
        """The guided flow, in order, with when each step was done (None: still to do)."""
        return [
            {
                "key": "territories",
                "label": "Release its territories (they become coverage gaps on offer)",
                "done_at": self.territories_released_at,
            },
            {
                "key": "leases",
                "label": f"End its vehicle leases on {self.effective_on:%d %b %Y}",
                "done_at": self.leases_ended_at,
            },
            {
                "key": "settle",
                "label": "Produce the final statement",
                "done_at": self.settled_at,
            },
            {
                "key": "accounts",
                "label": "Close dispatchers' and drivers' accounts on "
                f"{self.effective_on:%d %b %Y}",
                "done_at": self.accounts_deactivated_at,
            },
        ]
