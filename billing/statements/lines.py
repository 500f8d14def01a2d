"""The lines a statement is built from: pay, vans, incentives, peaks, chargebacks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q

from billing.models import (
    Dispute,
    PeakPeriod,
    PendingAdjustment,
    RateCard,
    Scorecard,
    Statement,
    StatementLine,
)
from billing.scorecards.metrics import week_records
from drivers.models import Driver
from dsps.models import Dsp, Station
from fleet.selectors import fleet_costs, leases_in_force
from nextmile.money import cents
from routes.models import CustomerFeedback, Route


def new_line(kind, description, quantity, rate, evidence=None, deduction=False, dispute=None):
    quantity = Decimal(quantity)
    rate = Decimal(rate)
    return StatementLine(
        kind=kind,
        description=description,
        quantity=quantity,
        rate=rate,
        amount=cents(quantity * rate),
        evidence=evidence or {},
        is_deduction=deduction,
        dispute=dispute,
    )


def generated_lines(statement: Statement, card: Scorecard, rates: RateCard) -> list:
    """Every line the week earns or owes, in statement order: pay for routes, packages, vans,
    the tier, peaks, growth and hires; adjustments; then the deductions."""
    dsp, start = statement.dsp, statement.week_start
    end = start + timedelta(days=6)
    week = week_records(dsp=dsp, week_start=start)
    ran = routes_run(week)
    vans = sorted(
        set(leases_in_force(dsp=dsp, start=start, end=end).values_list("vehicle_id", flat=True))
    )
    return [
        *_route_lines(ran, rates),
        *_volume_lines(week, vans, card, rates),
        *_peak_lines(dsp, start, end, ran, week),
        *_growth_and_hire_lines(dsp, start, end, ran, rates),
        *_adjustment_lines(statement, dsp, start),
        *_service_failure_lines(week, rates),
        *_chargeback_lines(dsp, start, end, rates),
        *_fleet_deduction_lines(dsp, start, end, vans, rates),
    ]


def _route_lines(ran: list, rates: RateCard) -> list:
    """Routes run at the route fee; those over the long-route hours at the long fee."""
    K = StatementLine.Kind
    long_s = rates.long_route_hours * 3600
    long_routes = [r for r in ran if rates.long_route_fee and r.drive_s + r.service_s > long_s]
    short_routes = [r for r in ran if r not in long_routes]
    lines = [
        new_line(
            K.ROUTES,
            "Routes run",
            len(short_routes),
            rates.route_fee,
            {"routes": [r.id for r in short_routes]},
        ),
    ]
    if long_routes:
        lines.append(
            new_line(
                K.LONG_ROUTES,
                f"Routes over {rates.long_route_hours} h",
                len(long_routes),
                rates.long_route_fee,
                {"routes": [r.id for r in long_routes]},
            )
        )
    return lines


def _volume_lines(week, vans: list[int], card: Scorecard, rates: RateCard) -> list:
    """Packages delivered, leased vans in service, and the incentive at the week's tier."""
    K = StatementLine.Kind
    lines = [
        new_line(
            K.PACKAGES,
            "Packages delivered",
            len(week.delivered),
            rates.package_rate,
            {"packages": "delivered"},
        ),
        new_line(
            K.VANS, "Leased vans in service", len(vans), rates.van_weekly_fee, {"vehicles": vans}
        ),
    ]
    incentive = Decimal(str(rates.incentive_per_package.get(card.tier, 0)))
    if incentive:
        lines.append(
            new_line(
                K.INCENTIVE,
                f"Incentive for {card.get_tier_display()}",
                len(week.delivered),
                incentive,
                {"packages": "delivered"},
            )
        )
    return lines


def _growth_and_hire_lines(dsp: Dsp, start: date, end: date, ran: list, rates: RateCard) -> list:
    """Pay for routes added on the week before, and for drivers hired this week."""
    K = StatementLine.Kind
    lines = []
    if rates.growth_route_pay:
        before = Scorecard.objects.filter(dsp=dsp, week_start=start - timedelta(days=7)).first()
        added = max(0, len(ran) - before.routes) if before else 0
        if added:
            lines.append(
                new_line(
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
                new_line(
                    K.ONBOARDING,
                    "Drivers onboarded",
                    len(hires),
                    rates.onboarding_pay,
                    {"drivers": hires},
                )
            )
    return lines


def _adjustment_lines(statement: Statement, dsp: Dsp, start: date) -> list:
    """Upheld disputes of earlier weeks and the pending adjustments due from this week."""
    lines = []
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
            new_line(
                StatementLine.Kind.ADJUSTMENT,
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
        line = new_line(
            pending.kind,
            pending.description,
            1,
            pending.amount,
            {"pending_adjustments": [pending.id]},
            deduction=pending.is_deduction,
        )
        line.pending = pending
        lines.append(line)
    return lines


def _service_failure_lines(week, rates: RateCard) -> list:
    """Delivered packages the customer reported not received, at the chargeback rate."""
    if not rates.service_failure_chargeback:
        return []
    dnr = [f.package_id for f in week.feedback if f.kind == CustomerFeedback.Kind.NOT_RECEIVED]
    if not dnr:
        return []
    return [
        new_line(
            StatementLine.Kind.SERVICE_FAILURE,
            "Delivered, not received",
            len(dnr),
            rates.service_failure_chargeback,
            {"packages": dnr},
            deduction=True,
        )
    ]


def _fleet_deduction_lines(
    dsp: Dsp, start: date, end: date, vans: list[int], rates: RateCard
) -> list:
    """The week's van leases and insurance, when the program collects them."""
    if not rates.collects_fleet_costs:
        return []
    K = StatementLine.Kind
    costs = fleet_costs(dsp=dsp, start=start, end=end)
    lines = []
    if costs["lease"]:
        lines.append(
            new_line(
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
            new_line(
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
                    new_line(
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
                    new_line(
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
            new_line(
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
            new_line(
                K.LATE_CANCELLATION,
                f"Routes given back less than {hours} h before dispatch",
                len(late),
                rates.late_cancellation_chargeback,
                {"routes": [r.id for r in late]},
                deduction=True,
            )
        )
    return lines
