"""Scorecards, payouts and DSP finances (built on the day-of-delivery events)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from dsps.models import Dsp, Station, TimeStampedModel

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 10, "decimal_places": 4}


class Tier(models.TextChoices):
    """Best first; a tier's rank is its index in `TIER_ORDER`."""

    FANTASTIC_PLUS = "fantastic_plus", "Fantastic Plus"
    FANTASTIC = "fantastic", "Fantastic"
    GREAT = "great", "Great"
    FAIR = "fair", "Fair"
    POOR = "poor", "Poor"


TIER_ORDER = [t.value for t in Tier]


class RateCard(TimeStampedModel):
    """What the program pays and deducts at a station from `effective_from` on."""

    SHARED_REFERENCE = True

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="rate_cards")
    effective_from = models.DateField()
    route_fee = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    long_route_fee = models.DecimalField(
        **MONEY,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text="paid instead of the route fee for routes planned longer than the limit",
    )
    long_route_hours = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal(10))
    package_rate = models.DecimalField(**RATE, validators=[MinValueValidator(0)])
    van_weekly_fee = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    incentive_per_package = models.JSONField(
        default=dict, blank=True, help_text="tier → extra per delivered package"
    )
    growth_route_pay = models.DecimalField(
        **MONEY, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    onboarding_pay = models.DecimalField(
        **MONEY, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    service_failure_chargeback = models.DecimalField(
        **MONEY,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text="per package delivered but not received",
    )
    uncovered_route_chargeback = models.DecimalField(
        **MONEY,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text="per planned route the DSP left without a driver and van, or did not run",
    )
    late_cancellation_chargeback = models.DecimalField(
        **MONEY,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text="per route given back after the cutoff before its departure",
    )
    collects_fleet_costs = models.BooleanField(
        default=False, help_text="the program deducts van leases and insurance"
    )

    class Meta:
        ordering = ["station", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "effective_from"], name="rate_card_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station.code} rates from {self.effective_from}"

    @property
    def incentive_rows(self) -> list[tuple[str, Decimal]]:
        """The incentive per package by tier, best tier first, each named by its label."""
        rates = self.incentive_per_package or {}
        return [(t.label, Decimal(str(rates[t.value]))) for t in Tier if t.value in rates]


class PeakPeriod(TimeStampedModel):
    """Peak-season pay at a station for the days from `starts_on` to `ends_on` inclusive: an
    amount per route run and/or per package delivered on those days."""

    SHARED_REFERENCE = True

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="peak_periods")
    name = models.CharField(max_length=80, default="Peak season")
    starts_on = models.DateField()
    ends_on = models.DateField()
    per_route = models.DecimalField(**MONEY, default=Decimal(0), validators=[MinValueValidator(0)])
    per_package = models.DecimalField(**RATE, default=Decimal(0), validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["station", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="peak_period_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(per_route__gte=0) & Q(per_package__gte=0),
                name="peak_period_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station.code} {self.name} {self.starts_on}–{self.ends_on}"

    def days_in(self, start, end) -> list:
        """The days from `start` to `end` inclusive that fall inside the period."""
        first, last = max(start, self.starts_on), min(end, self.ends_on)
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


class ThresholdSet(TimeStampedModel):
    """Scorecard thresholds and weights at a station from the week starting `week_start` on.

    `thresholds` maps a metric to four boundaries (Fantastic Plus, Fantastic, Great, Fair): a
    value at or past a boundary earns that tier, anything short of Fair is Poor.
    """

    SHARED_REFERENCE = True

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="threshold_sets")
    week_start = models.DateField()
    thresholds = models.JSONField(default=dict)
    weights = models.JSONField(default=dict, help_text="metric → weight; 0 leaves it out")
    escalation_cap = models.CharField(
        max_length=16,
        choices=Tier.choices,
        default=Tier.GREAT,
        help_text="the best overall tier a week with a customer escalation can reach",
    )

    class Meta:
        ordering = ["station", "-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "week_start"], name="threshold_set_once_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station.code} thresholds from {self.week_start}"


class Scorecard(TimeStampedModel):
    """One DSP's program week, as computed from its delivery events."""

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="scorecards")
    week_start = models.DateField()
    metrics = models.JSONField(default=dict)
    tier = models.CharField(max_length=16, choices=Tier.choices)
    capped = models.BooleanField(default=False)
    routes = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week_start", "dsp"]
        constraints = [
            models.UniqueConstraint(fields=["dsp", "week_start"], name="scorecard_once_per_week"),
        ]

    def __str__(self) -> str:
        return f"{self.dsp} week of {self.week_start}: {self.get_tier_display()}"

    @property
    def week_end(self):
        return self.week_start + timedelta(days=6)


class Statement(TimeStampedModel):
    """What the program owes one DSP for one week. Immutable once approved (a database
    trigger on PostgreSQL refuses any change to it or its lines but the move to paid)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        PAID = "paid", "Paid"

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="statements")
    week_start = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    tier = models.CharField(max_length=16, choices=Tier.choices, blank=True)
    gross = models.DecimalField(**MONEY, default=Decimal(0))
    deductions = models.DecimalField(**MONEY, default=Decimal(0))
    net = models.DecimalField(**MONEY, default=Decimal(0))
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "dsp"]
        constraints = [
            models.UniqueConstraint(fields=["dsp", "week_start"], name="statement_once_per_week"),
            models.CheckConstraint(
                condition=Q(net=models.F("gross") - models.F("deductions")),
                name="statement_net_is_gross_less_deductions",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False),
                name="statement_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dsp} week of {self.week_start} ({self.get_status_display()})"

    @property
    def week_end(self):
        return self.week_start + timedelta(days=6)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def dispute_deadline(self):
        """Disputes are open until this moment (None while still a draft)."""
        if self.approved_at is None:
            return None
        return self.approved_at + timedelta(days=settings.BILLING_DISPUTE_WINDOW_DAYS)


class StatementLine(TimeStampedModel):
    """quantity × rate = amount, to the cent; deductions are positive amounts in that section."""

    class Kind(models.TextChoices):
        ROUTES = "routes", "Routes"
        LONG_ROUTES = "long_routes", "Long routes"
        PACKAGES = "packages", "Delivered packages"
        VANS = "vans", "Leased vans"
        INCENTIVE = "incentive", "Tier incentive"
        PEAK = "peak", "Peak-season pay"
        GROWTH = "growth", "Growth pay for added routes"
        ONBOARDING = "onboarding", "Newly onboarded drivers"
        ADJUSTMENT = "adjustment", "Adjustment"
        LEASE = "lease", "Van leases"
        INSURANCE = "insurance", "Insurance premiums"
        SERVICE_FAILURE = "service_failure", "Service failures"
        DAMAGE = "damage", "Vehicle damage"
        UNCOVERED_ROUTE = "uncovered_route", "Uncovered route"
        LATE_CANCELLATION = "late_cancellation", "Late cancellation"
        FINE = "fine", "Fine"

    DEDUCTION_KINDS = {
        Kind.LEASE,
        Kind.INSURANCE,
        Kind.SERVICE_FAILURE,
        Kind.DAMAGE,
        Kind.UNCOVERED_ROUTE,
        Kind.LATE_CANCELLATION,
        Kind.FINE,
    }
    MANUAL_KINDS = {
        Kind.DAMAGE,
        Kind.UNCOVERED_ROUTE,
        Kind.LATE_CANCELLATION,
        Kind.FINE,
        Kind.ADJUSTMENT,
    }

    TENANT_PATH = "statement__dsp"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_deduction = models.BooleanField(default=False)
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    rate = models.DecimalField(**RATE)
    amount = models.DecimalField(**MONEY)
    evidence = models.JSONField(default=dict, blank=True, help_text="{'routes': [ids], …}")
    generated = models.BooleanField(default=True, help_text="rebuilt when the draft is")
    dispute = models.ForeignKey(
        "Dispute", on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )
    pending = models.ForeignKey(
        "PendingAdjustment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        help_text="the charge or credit this line settles",
    )

    class Meta:
        ordering = ["statement", "is_deduction", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="line_quantity_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class Dispute(TimeStampedModel):
    """A DSP's objection to one line of an approved statement."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld"
        REJECTED = "rejected", "Rejected"

    TENANT_PATH = "line__statement__dsp"

    line = models.ForeignKey(StatementLine, on_delete=models.PROTECT, related_name="disputes")
    message = models.TextField()
    amount = models.DecimalField(
        **MONEY, validators=[MinValueValidator(0)], help_text="what the DSP says it is owed"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="dispute_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Dispute on {self.line}"


class PendingAdjustment(TimeStampedModel):
    """A charge (or credit) decided outside the statement, waiting for the DSP's next draft
    statement, where it becomes one line (e.g. a compliance penalty as a fine)."""

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="pending_adjustments")
    kind = models.CharField(max_length=20, choices=StatementLine.Kind.choices)
    description = models.CharField(max_length=200)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    is_deduction = models.BooleanField(default=True)
    source = models.CharField(max_length=64, blank=True, help_text="what decided it, e.g. action:3")
    applies_from = models.DateField(
        null=True,
        blank=True,
        help_text="the charge lands on the first statement whose week starts on or after this day",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="pending_adjustment_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class FinanceSettings(TimeStampedModel):
    """An owner's own numbers for the cash-flow projection."""

    TENANT_PATH = "dsp"

    dsp = models.OneToOneField(Dsp, on_delete=models.CASCADE, related_name="finance_settings")
    cash_on_hand = models.DecimalField(**MONEY, default=Decimal(0))
    reserve_threshold = models.DecimalField(
        **MONEY, default=Decimal(10000), validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["dsp"]

    def __str__(self) -> str:
        return f"Finance settings of {self.dsp}"


# --- Driver pay -----------------------------------------------------------------------------


class IncentiveRate(TimeStampedModel):
    """What a DSP passes on to its drivers per delivered package, by the driver's weekly tier."""

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="incentive_rates")
    tier = models.CharField(max_length=16, choices=Tier.choices)
    per_package = models.DecimalField(**RATE, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["dsp", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["dsp", "tier"], name="incentive_rate_once_per_tier"),
            models.CheckConstraint(
                condition=Q(per_package__gte=0), name="incentive_rate_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dsp} {self.get_tier_display()}: {self.per_package}/package"


class PayDiscrepancy(TimeStampedModel):
    """A driver's question about their pay for a week (optionally a day or a route), and the
    DSP's answer."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"

    TENANT_PATH = "driver__dsp"
    DRIVER_PATH = "driver__user"

    driver = models.ForeignKey(
        "drivers.Driver", on_delete=models.PROTECT, related_name="pay_discrepancies"
    )
    week_start = models.DateField()
    day = models.DateField(null=True, blank=True)
    route = models.ForeignKey(
        "routes.Route", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="pay_discrepancy_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"Pay question of {self.driver} for the week of {self.week_start}"
