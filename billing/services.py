"""Every write of billing: rates, thresholds, scorecards, statements, disputes, settings."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from drivers.models import Driver
from dsps.models import Dsp, Station
from fleet.models import Lease
from fleet.selectors import fleet_costs
from routes.models import CustomerFeedback

from .models import (
    TIER_ORDER,
    Dispute,
    FinanceSettings,
    PendingAdjustment,
    RateCard,
    Scorecard,
    Statement,
    StatementLine,
    ThresholdSet,
)
from .scorecards import scorecard_compute, threshold_errors, week_start_of

CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Rates and thresholds -------------------------------------------------------------------


@transaction.atomic
def rate_card_create(*, station: Station, effective_from: date, **fields) -> RateCard:
    """A new version of the station's rates; never one that would reprice an approved week."""
    if (
        Statement.objects.filter(
            dsp__station=station, week_start__gt=effective_from - timedelta(days=7)
        )
        .exclude(status=Statement.Status.DRAFT)
        .exists()
    ):
        raise ValidationError(
            {
                "effective_from": "That date falls in or before a week whose statement is already "
                "approved; rates can only change after the last approved week."
            }
        )
    incentive = fields.get("incentive_per_package") or {}
    if any(k not in TIER_ORDER for k in incentive):
        raise ValidationError({"incentive_per_package": "Use the tier names as keys."})
    card = RateCard(station=station, effective_from=effective_from, **fields)
    card.full_clean()
    card.save()
    return card


def rate_card_for(*, station: Station, week_start: date) -> RateCard:
    """The rates in force at the start of the week."""
    card = (
        RateCard.objects.filter(station=station, effective_from__lte=week_start)
        .order_by("-effective_from")
        .first()
    )
    if card is None:
        raise ValidationError({"week_start": f"No rates are set at {station.code} for that week."})
    return card


@transaction.atomic
def threshold_set_save(
    *,
    station: Station,
    week_start: date,
    thresholds: dict,
    weights: dict,
    escalation_cap: str = "great",
) -> ThresholdSet:
    """Set the thresholds from a week on (one version per station and week)."""
    if week_start != week_start_of(week_start):
        raise ValidationError({"week_start": "Thresholds start on the first day of a week."})
    errors = threshold_errors(thresholds, weights)
    if errors:
        raise ValidationError(errors)
    row, _ = ThresholdSet.objects.get_or_create(
        station=station,
        week_start=week_start,
        defaults={"thresholds": thresholds, "weights": weights, "escalation_cap": escalation_cap},
    )
    row.thresholds, row.weights, row.escalation_cap = thresholds, weights, escalation_cap
    row.full_clean()
    row.save()
    return row


# --- Scorecards -----------------------------------------------------------------------------


@transaction.atomic
def scorecard_generate(*, dsp: Dsp, week_start: date) -> Scorecard:
    """Compute and store the DSP's scorecard for the week; calling it again refreshes it."""
    card = scorecard_compute(dsp=dsp, week_start=week_start)
    row, _ = Scorecard.objects.update_or_create(
        dsp=dsp,
        week_start=week_start,
        defaults={
            "metrics": card["metrics"] | {"failed_by_reason": card["failed_by_reason"]},
            "tier": card["tier"],
            "capped": card["capped"],
            "routes": card["routes"],
            "delivered": card["delivered"],
        },
    )
    return row


# --- Statements -----------------------------------------------------------------------------


def _line(kind, description, quantity, rate, evidence=None, deduction=False, dispute=None):
    quantity = Decimal(quantity)
    rate = Decimal(rate)
    return StatementLine(
        kind=kind,
        description=description,
        quantity=quantity,
        rate=rate,
        amount=money(quantity * rate),
        evidence=evidence or {},
        is_deduction=deduction,
        dispute=dispute,
    )


def _generated_lines(statement: Statement, card: Scorecard, rates: RateCard) -> list:
    from .scorecards import week_records

    dsp, start = statement.dsp, statement.week_start
    end = start + timedelta(days=6)
    week = week_records(dsp=dsp, week_start=start)
    K = StatementLine.Kind
    long_s = rates.long_route_hours * 3600
    long_routes = [
        r for r in week.routes if rates.long_route_fee and r.drive_s + r.service_s > long_s
    ]
    short_routes = [r for r in week.routes if r not in long_routes]
    lines = [
        _line(
            K.ROUTES,
            "Routes run",
            len(short_routes),
            rates.route_fee,
            {"routes": [r.id for r in short_routes]},
        ),
    ]
    if long_routes:
        lines.append(
            _line(
                K.LONG_ROUTES,
                f"Routes over {rates.long_route_hours} h",
                len(long_routes),
                rates.long_route_fee,
                {"routes": [r.id for r in long_routes]},
            )
        )
    lines.append(
        _line(
            K.PACKAGES,
            "Packages delivered",
            len(week.delivered),
            rates.package_rate,
            {"packages": "delivered"},
        )
    )
    vans = sorted(
        set(
            Lease.objects.filter(dsp=dsp, starts_on__lte=end)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
            .filter(Q(returned_on__isnull=True) | Q(returned_on__gte=start))
            .values_list("vehicle_id", flat=True)
        )
    )
    lines.append(
        _line(K.VANS, "Leased vans in service", len(vans), rates.van_weekly_fee, {"vehicles": vans})
    )
    incentive = Decimal(str(rates.incentive_per_package.get(card.tier, 0)))
    if incentive:
        lines.append(
            _line(
                K.INCENTIVE,
                f"Incentive for {card.get_tier_display()}",
                len(week.delivered),
                incentive,
                {"packages": "delivered"},
            )
        )
    if rates.peak_season and rates.peak_route_bonus:
        lines.append(
            _line(
                K.PEAK,
                "Peak-season pay per route",
                len(week.routes),
                rates.peak_route_bonus,
                {"routes": [r.id for r in week.routes]},
            )
        )
    if rates.growth_route_pay:
        before = Scorecard.objects.filter(dsp=dsp, week_start=start - timedelta(days=7)).first()
        added = max(0, len(week.routes) - before.routes) if before else 0
        if added:
            lines.append(
                _line(
                    K.GROWTH,
                    "Routes added on the week before",
                    added,
                    rates.growth_route_pay,
                    {"routes": [r.id for r in week.routes]},
                )
            )
    if rates.onboarding_pay:
        hires = list(
            Driver.objects.filter(dsp=dsp, hired_on__range=(start, end))
            .order_by("id")
            .values_list("id", flat=True)
        )
        if hires:
            lines.append(
                _line(
                    K.ONBOARDING,
                    "Drivers onboarded",
                    len(hires),
                    rates.onboarding_pay,
                    {"drivers": hires},
                )
            )
    for dispute in (
        Dispute.objects.filter(
            Q(adjustments__isnull=True) | Q(adjustments__statement=statement),
            status=Dispute.Status.UPHELD,
            line__statement__dsp=dsp,
            line__statement__week_start__lt=start,
        )
        .select_related("line__statement")
        .distinct()
    ):
        lines.append(
            _line(
                K.ADJUSTMENT,
                f"Upheld dispute on week of {dispute.line.statement.week_start}: "
                f"{dispute.line.description}",
                1,
                dispute.amount,
                {"disputes": [dispute.id]},
                dispute=dispute,
            )
        )
    for pending in (
        PendingAdjustment.objects.filter(
            Q(lines__isnull=True) | Q(lines__statement=statement), dsp=dsp
        )
        .distinct()
        .order_by("id")
    ):
        line = _line(
            pending.kind,
            pending.description,
            1,
            pending.amount,
            {"pending_adjustments": [pending.id]},
            deduction=pending.is_deduction,
        )
        line.pending = pending
        lines.append(line)
    if rates.service_failure_chargeback:
        dnr = [f.package_id for f in week.feedback if f.kind == CustomerFeedback.Kind.NOT_RECEIVED]
        if dnr:
            lines.append(
                _line(
                    K.SERVICE_FAILURE,
                    "Delivered, not received",
                    len(dnr),
                    rates.service_failure_chargeback,
                    {"packages": dnr},
                    deduction=True,
                )
            )
    if rates.collects_fleet_costs:
        costs = fleet_costs(dsp=dsp, start=start, end=end)
        if costs["lease"]:
            lines.append(
                _line(
                    K.LEASE,
                    "Van leases (7 days)",
                    1,
                    costs["lease"],
                    {"vehicles": vans},
                    deduction=True,
                )
            )
        if costs["insurance"]:
            lines.append(
                _line(
                    K.INSURANCE,
                    "Insurance premiums (7 days)",
                    1,
                    costs["insurance"],
                    {},
                    deduction=True,
                )
            )
    return lines


def _retotal(statement: Statement) -> None:
    lines = list(statement.lines.all())
    statement.gross = sum((x.amount for x in lines if not x.is_deduction), Decimal(0))
    statement.deductions = sum((x.amount for x in lines if x.is_deduction), Decimal(0))
    statement.net = statement.gross - statement.deductions
    statement.full_clean()
    statement.save()


@transaction.atomic
def statement_generate(*, dsp: Dsp, week_start: date) -> Statement:
    """Build (or rebuild) the draft statement of the week. Safe to call any number of times:
    one statement per DSP and week (a database constraint); an approved one is left alone."""
    if week_start != week_start_of(week_start):
        raise ValidationError({"week_start": "A statement covers a program week."})
    rates = rate_card_for(station=dsp.station, week_start=week_start)
    statement, _ = Statement.objects.get_or_create(dsp=dsp, week_start=week_start)
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if not statement.is_draft:
        return statement
    card = scorecard_generate(dsp=dsp, week_start=week_start)
    statement.lines.filter(generated=True).delete()
    lines = _generated_lines(statement, card, rates)
    for line in lines:
        line.statement = statement
    StatementLine.objects.bulk_create(lines)
    statement.tier = card.tier
    _retotal(statement)
    return statement


@transaction.atomic
def statement_line_add(
    *,
    statement: Statement,
    kind: str,
    description: str,
    quantity: Decimal,
    rate: Decimal,
) -> StatementLine:
    """A chargeback, fine or adjustment a staff member adds to a draft statement."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if not statement.is_draft:
        raise ValidationError(
            {"statement": "This statement is approved; corrections go on a later statement."}
        )
    if kind not in StatementLine.MANUAL_KINDS:
        raise ValidationError(
            {"kind": "Only chargebacks, fines and adjustments are added by hand."}
        )
    if quantity is None or Decimal(quantity) < 0:
        raise ValidationError({"quantity": "Quantity cannot be negative."})
    line = _line(kind, description, quantity, rate, deduction=kind in StatementLine.DEDUCTION_KINDS)
    line.statement = statement
    line.generated = False
    line.full_clean()
    line.save()
    _retotal(statement)
    return line


@transaction.atomic
def statement_approve(*, statement: Statement, by) -> Statement:
    """Freeze a draft: from now on only its move to paid is allowed."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if not statement.is_draft:
        raise ValidationError({"status": "Only a draft statement can be approved."})
    statement.status = Statement.Status.APPROVED
    statement.approved_at = timezone.now()
    statement.approved_by = by
    statement.full_clean()
    statement.save()
    return statement


@transaction.atomic
def statement_mark_paid(*, statement: Statement) -> Statement:
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status != Statement.Status.APPROVED:
        raise ValidationError({"status": "Only an approved statement can be paid."})
    statement.status = Statement.Status.PAID
    statement.paid_at = timezone.now()
    statement.save(update_fields=["status", "paid_at", "updated_at"])
    return statement


@transaction.atomic
def pending_adjustment_add(
    *,
    dsp: Dsp,
    kind: str,
    description: str,
    amount: Decimal,
    by=None,
    source: str = "",
) -> PendingAdjustment:
    """A charge (deduction kinds) or credit that lands, once, on the DSP's next draft statement
    when it is generated."""
    if kind not in StatementLine.MANUAL_KINDS:
        raise ValidationError({"kind": "Only chargebacks, fines and adjustments are pending."})
    try:
        amount = money(amount)
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError({"amount": "Give the amount as a number of dollars."}) from None
    if amount <= 0:
        raise ValidationError({"amount": "The amount must be more than $0.00."})
    pending = PendingAdjustment(
        dsp=dsp,
        kind=kind,
        description=(description or "").strip()[:200],
        amount=amount,
        is_deduction=kind in StatementLine.DEDUCTION_KINDS,
        source=source,
        created_by=by,
    )
    pending.full_clean()
    pending.save()
    return pending


# --- Disputes -------------------------------------------------------------------------------


@transaction.atomic
def dispute_open(*, line: StatementLine, by, message: str, amount: Decimal) -> Dispute:
    """A DSP's objection to a line, within the dispute window after approval."""
    statement = line.statement
    if statement.is_draft:
        raise ValidationError({"line": "A draft can still change; dispute it once approved."})
    if timezone.now() > statement.dispute_deadline:
        raise ValidationError({"line": "The dispute window for this statement has closed."})
    if not (message or "").strip():
        raise ValidationError({"message": "Say what is wrong with this line."})
    dispute = Dispute(line=line, message=message.strip(), amount=amount, opened_by=by)
    dispute.full_clean()
    dispute.save()
    return dispute


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, upheld: bool, resolution: str) -> Dispute:
    """Staff decide; an upheld dispute is paid as an adjustment on the DSP's next statement."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError({"status": "This dispute is already resolved."})
    dispute.status = Dispute.Status.UPHELD if upheld else Dispute.Status.REJECTED
    dispute.resolution = resolution
    dispute.resolved_at = timezone.now()
    dispute.full_clean()
    dispute.save()
    return dispute


# --- Finances -------------------------------------------------------------------------------


@transaction.atomic
def finance_settings_update(
    *, dsp: Dsp, cash_on_hand: Decimal, reserve_threshold: Decimal
) -> FinanceSettings:
    row, _ = FinanceSettings.objects.get_or_create(dsp=dsp)
    row.cash_on_hand, row.reserve_threshold = cash_on_hand, reserve_threshold
    row.full_clean()
    row.save()
    return row
