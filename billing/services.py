"""Every write of billing: rates, thresholds, scorecards, statements, disputes, settings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from drivers.models import Driver
from dsps.models import Dsp, Station
from dsps.services import audit_record
from fleet.models import Lease
from fleet.selectors import fleet_costs
from routes.models import CustomerFeedback, Route

from .models import (
    TIER_ORDER,
    Dispute,
    FinanceSettings,
    PeakPeriod,
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


def last_approved_week(station: Station) -> date | None:
    """The start of the latest week with an approved (or paid) statement at the station."""
    return (
        Statement.objects.filter(dsp__station=station)
        .exclude(status=Statement.Status.DRAFT)
        .order_by("-week_start")
        .values_list("week_start", flat=True)
        .first()
    )


def first_open_week(station: Station) -> date:
    """The first program week new rates or thresholds may start: after the last approved
    week and not before the next week."""
    nxt = week_start_of(station.today()) + timedelta(days=7)
    last = last_approved_week(station)
    return max(nxt, last + timedelta(days=7)) if last else nxt


def _refuse_in_approved_week(station: Station, day: date, field: str, what: str) -> None:
    last = last_approved_week(station)
    if last is not None and day <= last + timedelta(days=6):
        first_open = last + timedelta(days=7)
        raise ValidationError(
            {
                field: f"That date falls in or before the week of {last:%Y-%m-%d}, whose "
                f"statement is already approved; {what} can only start on "
                f"{first_open:%Y-%m-%d} or later."
            }
        )


@transaction.atomic
def rate_card_create(*, station: Station, effective_from: date, by=None, **fields) -> RateCard:
    """A new version of the station's rates; never one that would reprice an approved week."""
    if effective_from is None:
        raise ValidationError({"effective_from": "Give the date these rates start."})
    _refuse_in_approved_week(station, effective_from, "effective_from", "new rates")
    incentive = fields.get("incentive_per_package") or {}
    if not isinstance(incentive, dict) or any(k not in TIER_ORDER for k in incentive):
        raise ValidationError({"incentive_per_package": "Use the tier names as keys."})
    for tier, value in incentive.items():
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            raise ValidationError(
                {"incentive_per_package": f"The incentive for {tier} must be 0 or more."}
            )
    if RateCard.objects.filter(station=station, effective_from=effective_from).exists():
        raise ValidationError(
            {"effective_from": "Rates already start on that date; pick another date."}
        )
    card = RateCard(station=station, effective_from=effective_from, **fields)
    card.full_clean()
    card.save()
    audit_record(actor=by, verb="rate_card.create", target=card)
    return card


@transaction.atomic
def peak_period_create(
    *,
    station: Station,
    starts_on: date,
    ends_on: date,
    name: str = "",
    per_route: Decimal = Decimal(0),
    per_package: Decimal = Decimal(0),
    by=None,
) -> PeakPeriod:
    """Peak-season pay for a range of days; never over an approved week, never two periods
    on the same day at a station."""
    if starts_on is None or ends_on is None:
        raise ValidationError({"starts_on": "Give the first and last day of the period."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The period ends before it starts."})
    _refuse_in_approved_week(station, starts_on, "starts_on", "a peak period")
    if (per_route or 0) < 0 or (per_package or 0) < 0:
        raise ValidationError({"per_route": "Peak amounts cannot be negative."})
    if not (per_route or per_package):
        raise ValidationError({"per_route": "Give an amount per route, per package or both."})
    clash = PeakPeriod.objects.filter(
        station=station, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if clash:
        raise ValidationError(
            {
                "starts_on": f"It overlaps {clash.name} ({clash.starts_on:%Y-%m-%d} to "
                f"{clash.ends_on:%Y-%m-%d})."
            }
        )
    period = PeakPeriod(
        station=station,
        name=(name or "").strip() or "Peak season",
        starts_on=starts_on,
        ends_on=ends_on,
        per_route=per_route or Decimal(0),
        per_package=per_package or Decimal(0),
    )
    period.full_clean()
    period.save()
    audit_record(actor=by, verb="peak_period.create", target=period)
    return period


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
    by=None,
) -> ThresholdSet:
    """Set the thresholds from a week on (one version per station and week)."""
    if week_start != week_start_of(week_start):
        raise ValidationError({"week_start": "Thresholds start on the first day of a week."})
    _refuse_in_approved_week(station, week_start, "week_start", "new thresholds")
    if escalation_cap not in TIER_ORDER:
        raise ValidationError({"escalation_cap": "Choose one of the tiers."})
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
    audit_record(actor=by, verb="threshold_set.save", target=row)
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
    ran = routes_run(week)
    long_routes = [r for r in ran if rates.long_route_fee and r.drive_s + r.service_s > long_s]
    short_routes = [r for r in ran if r not in long_routes]
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
    lines += _peak_lines(dsp, start, end, ran, week)
    if rates.growth_route_pay:
        before = Scorecard.objects.filter(dsp=dsp, week_start=start - timedelta(days=7)).first()
        added = max(0, len(ran) - before.routes) if before else 0
        if added:
            lines.append(
                _line(
                    K.GROWTH,
                    "Routes added on the week before",
                    added,
                    rates.growth_route_pay,
                    {"routes": [r.id for r in ran]},
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
            Q(lines__isnull=True) | Q(lines__statement=statement),
            Q(applies_from__isnull=True) | Q(applies_from__lte=start),
            dsp=dsp,
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
    lines += _chargeback_lines(dsp, start, end, rates)
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


def routes_run(week) -> list:
    """The week's routes that went out: started, finished, or with a delivery attempt."""
    attempted = {e.route_id for e in week.delivered} | {e.route_id for e in week.failed}
    started = (Route.Status.IN_PROGRESS, Route.Status.COMPLETED)
    return [r for r in week.routes if r.status in started or r.id in attempted]


def _peak_lines(dsp: Dsp, start: date, end: date, ran: list, week) -> list:
    """Peak pay for the days of the week inside each peak period, and only those days."""
    K = StatementLine.Kind
    lines = []
    for period in PeakPeriod.objects.filter(
        station=dsp.station, starts_on__lte=end, ends_on__gte=start
    ).order_by("starts_on"):
        days = set(period.days_in(start, end))
        span = f"{min(days):%b %-d}–{max(days):%b %-d}" if len(days) > 1 else f"{min(days):%b %-d}"
        if period.per_route:
            in_range = [r for r in ran if r.service_date in days]
            if in_range:
                lines.append(
                    _line(
                        K.PEAK,
                        f"{period.name} per route ({span})",
                        len(in_range),
                        period.per_route,
                        {"routes": [r.id for r in in_range]},
                    )
                )
        if period.per_package:
            delivered = [e for e in week.delivered if e.route.service_date in days]
            if delivered:
                lines.append(
                    _line(
                        K.PEAK,
                        f"{period.name} per package ({span})",
                        len(delivered),
                        period.per_package,
                        {"packages": sorted(e.package_id for e in delivered)},
                    )
                )
    return lines


def dispatch_moment(route: Route, station: Station):
    """When a route leaves: its planned departure, else the station's opening on its day."""
    if route.departs_at:
        return route.departs_at
    return datetime.combine(route.service_date, station.opens_at, tzinfo=ZoneInfo(station.timezone))


def uncovered_routes(*, dsp: Dsp, start: date, end: date) -> tuple[list, list]:
    """Of the DSP's planned routes on the days from `start` to `end` that have passed:
    (left uncovered, cancelled late). Uncovered: still without driver and van at dispatch, or
    assigned but never run. Late: given back (unassigned) within the cutoff before dispatch
    and not covered again."""
    station = dsp.station
    last_day = min(end, station.today() - timedelta(days=1))
    cutoff = timedelta(hours=settings.BILLING_LATE_CANCELLATION_CUTOFF_HOURS)
    candidates = list(
        Route.objects.filter(
            dsp=dsp,
            service_date__range=(start, last_day),
            status__in=(Route.Status.DRAFT, Route.Status.ASSIGNED),
        )
        .annotate(attempts=Count("events"))
        .order_by("service_date", "code")
    )
    uncovered, late = [], []
    for route in candidates:
        if route.attempts:
            continue
        if (
            route.status == Route.Status.DRAFT
            and route.unassigned_at
            and route.unassigned_at >= dispatch_moment(route, station) - cutoff
        ):
            late.append(route)
        else:
            uncovered.append(route)
    return uncovered, late


def _chargeback_lines(dsp: Dsp, start: date, end: date, rates: RateCard) -> list:
    K = StatementLine.Kind
    uncovered, late = uncovered_routes(dsp=dsp, start=start, end=end)
    lines = []
    if uncovered and rates.uncovered_route_chargeback:
        lines.append(
            _line(
                K.UNCOVERED_ROUTE,
                "Routes left uncovered",
                len(uncovered),
                rates.uncovered_route_chargeback,
                {"routes": [r.id for r in uncovered]},
                deduction=True,
            )
        )
    if late and rates.late_cancellation_chargeback:
        hours = settings.BILLING_LATE_CANCELLATION_CUTOFF_HOURS
        lines.append(
            _line(
                K.LATE_CANCELLATION,
                f"Routes given back less than {hours} h before dispatch",
                len(late),
                rates.late_cancellation_chargeback,
                {"routes": [r.id for r in late]},
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
    applies_from: date | None = None,
) -> PendingAdjustment:
    """A charge (deduction kinds) or credit that lands, once, on the first draft statement of
    the DSP whose week starts on or after `applies_from` (default: the station's today); an
    older week's draft, however often it is rebuilt, never carries it."""
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
        applies_from=applies_from or dsp.station.today(),
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
