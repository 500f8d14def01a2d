"""Billing reads, scoped to the caller: scorecards, statements, disputes, finances."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from billing.finances.expenses import extra_expenses
from billing.finances.market import DRIVER_DAYS_PER_WEEK as DRIVER_DAYS_PER_WEEK
from billing.finances.market import ROUTE_DAYS_PER_WEEK as ROUTE_DAYS_PER_WEEK
from billing.finances.projection import cash_projection
from billing.models import (
    Dispute,
    PeakPeriod,
    RateCard,
    Scorecard,
    Statement,
    StatementLine,
    ThresholdSet,
)
from billing.scorecards.metrics import week_records
from billing.statements.lifecycle import StatementFigures as StatementFigures
from billing.statements.lifecycle import final_statement_figures as final_statement_figures
from drivers.models import Driver
from dsps.models import Dsp, Station
from dsps.tenancy import dsp_of, scope_to_user
from fleet.models import Vehicle
from fleet.selectors import fleet_costs_by_span
from nextmile.calendar import week_end_of, week_start_of
from nextmile.energy import energy_prices
from nextmile.money import cents
from routes.models import DeliveryEvent, Package, Route
from routes.selectors import hours_of, worked_by_route_driver


def scorecard_list(*, user) -> QuerySet[Scorecard]:
    return scope_to_user(Scorecard.objects.all(), user).select_related("dsp")


def scorecard_trend(*, card: Scorecard, weeks: int = 8) -> list[Scorecard]:
    """The DSP's scorecards up to `card`'s week, oldest first (the card is already authorised)."""
    rows = Scorecard.objects.filter(dsp_id=card.dsp_id, week_start__lte=card.week_start)
    return list(rows.order_by("-week_start")[:weeks])[::-1]


def scorecard_driver_or_404(*, card: Scorecard, driver_pk: int):
    """A driver of the scorecard's DSP (404 for anyone else's)."""
    return get_object_or_404(Driver, pk=driver_pk, dsp_id=card.dsp_id)


def statement_list(*, user) -> QuerySet[Statement]:
    return scope_to_user(Statement.objects.all(), user).select_related("dsp")


def dispute_list(*, user) -> QuerySet[Dispute]:
    return scope_to_user(Dispute.objects.all(), user).select_related("line__statement__dsp")


def rate_card_list(*, user, station=None) -> QuerySet[RateCard]:
    """Rate card versions, newest first per station (shared reference: everyone reads)."""
    rows = scope_to_user(RateCard.objects.all(), user).select_related("station")
    if station is not None:
        rows = rows.filter(station=station)
    return rows.order_by("station__code", "-effective_from")


def station_list(*, user) -> QuerySet[Station]:
    return scope_to_user(Station.objects.all(), user).order_by("code")


def home_station(*, user) -> Station | None:
    """The station of the user's DSP (None for program staff)."""
    dsp = dsp_of(user)
    return dsp.station if dsp else None


def rate_card_current(*, station: Station) -> RateCard | None:
    """The rate card in force at the station today."""
    return (
        RateCard.objects.filter(station=station, effective_from__lte=station.today())
        .order_by("-effective_from")
        .first()
    )


def peak_period_list(*, user, station=None) -> QuerySet[PeakPeriod]:
    rows = scope_to_user(PeakPeriod.objects.all(), user).select_related("station")
    if station is not None:
        rows = rows.filter(station=station)
    return rows.order_by("station__code", "-starts_on")


def threshold_set_list(*, user, station=None) -> QuerySet[ThresholdSet]:
    """Threshold versions by the week they start, newest first per station."""
    rows = scope_to_user(ThresholdSet.objects.all(), user).select_related("station")
    if station is not None:
        rows = rows.filter(station=station)
    return rows.order_by("station__code", "-week_start")


def line_evidence(line: StatementLine) -> dict:
    """The routes, packages, vans, drivers or disputes behind a statement line."""
    ev = line.evidence or {}
    out: dict = {}
    if ev.get("routes"):
        out["routes"] = list(
            Route.objects.filter(id__in=ev["routes"])
            .select_related("driver", "vehicle")
            .order_by("service_date", "code")
        )
    packages = ev.get("packages")
    if packages == "delivered":
        week = week_records(dsp=line.statement.dsp, week_start=line.statement.week_start)
        out["deliveries"] = week.delivered
    elif packages:
        out["packages"] = list(Package.objects.filter(id__in=packages).order_by("tracking_id"))
        out["deliveries"] = list(
            DeliveryEvent.objects.filter(package_id__in=packages, kind="delivered").select_related(
                "route", "package", "driver"
            )
        )
    if ev.get("vehicles"):
        out["vehicles"] = list(Vehicle.objects.filter(id__in=ev["vehicles"]).order_by("plate"))
    if ev.get("drivers"):
        out["drivers"] = list(Driver.objects.filter(id__in=ev["drivers"]).order_by("last_name"))
    if ev.get("disputes"):
        out["disputes"] = list(
            Dispute.objects.filter(id__in=ev["disputes"]).select_related("line__statement")
        )
    return out


# --- Hours and wages ------------------------------------------------------------------------


def _weeks_of(week_starts) -> tuple[list[date], date, date]:
    weeks = sorted(set(week_starts))
    return weeks, weeks[0], weeks[-1] + timedelta(days=6)


def _week_of(day: date, weeks: list[date]) -> date | None:
    """The week of the sorted `weeks` (each seven days from its start) holding `day`."""
    i = bisect_right(weeks, day) - 1
    return weeks[i] if i >= 0 and day <= weeks[i] + timedelta(days=6) else None


def driver_hours(*, dsp: Dsp, week_start: date) -> list[dict]:
    """Per driver: planned hours (routes' drive + service time) and actual hours (clock-in to
    clock-out less breaks), with wages at the driver's rate and overtime past the limit."""
    return driver_hours_by_week(dsp=dsp, week_starts=[week_start])[week_start]


def driver_hours_by_week(*, dsp: Dsp, week_starts) -> dict[date, list[dict]]:
    """`driver_hours` for several program weeks at once, in four queries whatever the number
    of weeks, drivers or punches."""
    weeks, first, last = _weeks_of(week_starts)
    planned: dict[date, dict[int, Decimal]] = {w: defaultdict(Decimal) for w in weeks}
    day_of: dict[int, date] = {}
    for route_id, driver_id, day, drive_s, service_s in Route.objects.filter(
        dsp=dsp, service_date__range=(first, last)
    ).values_list("id", "driver_id", "service_date", "drive_s", "service_s"):
        day_of[route_id] = day
        week = _week_of(day, weeks)
        if week is not None and driver_id is not None:
            planned[week][driver_id] += Decimal(drive_s + service_s) / 3600
    worked: dict[date, dict[int, timedelta]] = {w: defaultdict(timedelta) for w in weeks}
    # drivers in the order met (routes by date and code, then punches), as names may tie
    seen: dict[date, dict[int, None]] = {w: dict.fromkeys(planned[w]) for w in weeks}
    # A driver punches only on their own DSP's routes (assignment checks it), so the DSP's
    # route ids for the weeks find every punch through the route index.
    own = set(Driver.objects.filter(dsp=dsp).values_list("id", flat=True))
    for (route_id, driver_id), time in sorted(
        worked_by_route_driver(route_ids=list(day_of), until=timezone.now()).items(),
        key=lambda item: item[0][1],
    ):
        week = _week_of(day_of[route_id], weeks)
        if week is None or driver_id not in own:
            continue
        seen[week].setdefault(driver_id)
        worked[week][driver_id] += time
    drivers = Driver.objects.in_bulk({i for met in seen.values() for i in met})
    limit = Decimal(settings.BILLING_OVERTIME_AFTER_HOURS)
    multiplier = Decimal(settings.BILLING_OVERTIME_MULTIPLIER)
    out = {}
    for week in weeks:
        rows = []
        for driver in sorted((drivers[i] for i in seen[week]), key=str):
            hours = hours_of(worked[week][driver.pk])
            regular = min(hours, limit)
            overtime = max(hours - limit, Decimal(0))
            wages = regular * driver.hourly_rate + overtime * driver.hourly_rate * multiplier
            rows.append(
                {
                    "driver": driver,
                    "planned_hours": cents(planned[week][driver.pk]),
                    "actual_hours": hours,
                    "regular_hours": regular,
                    "overtime_hours": overtime,
                    "rate": driver.hourly_rate,
                    "wages": cents(wages),
                }
            )
        out[week] = rows
    return out


def energy_cost(*, dsp: Dsp, start: date, end: date) -> Decimal:
    """Route km × the van's energy use per km × the price of that energy."""
    return _energy_by_week(dsp=dsp, weeks=[start], first=start, last=end, one_span=True)[start]


def _energy_by_week(
    *, dsp: Dsp, weeks: list[date], first: date, last: date, one_span: bool = False
) -> dict:
    """`energy_cost` per week of `weeks` (or of the whole `first`..`last` under `one_span`),
    in one query."""
    prices = energy_prices()
    totals = {w: Decimal(0) for w in weeks}
    for day, distance_m, planned_km, per_km, kind in Route.objects.filter(
        dsp=dsp, service_date__range=(first, last), vehicle__offer__isnull=False
    ).values_list(
        "service_date",
        "distance_m",
        "planned_km",
        "vehicle__offer__energy_per_km",
        "vehicle__offer__energy_kind",
    ):
        week = first if one_span else _week_of(day, weeks)
        if week is None:
            continue
        km = Decimal(distance_m) / 1000 if distance_m else planned_km
        totals[week] += km * per_km * prices.get(kind, Decimal(0))
    return {w: cents(total) for w, total in totals.items()}


def week_pnl(*, dsp: Dsp, week_start: date) -> dict:
    """Revenue (the week's statement net) against the DSP's own costs."""
    return weeks_pnl(dsp=dsp, week_starts=[week_start])[0]


def weeks_pnl(*, dsp: Dsp, week_starts) -> list[dict]:
    """`week_pnl` of several weeks, oldest first: wages, energy, statements and their
    deductions and fleet costs are read once for all the weeks; registered expense sources
    once per week (one small indexed query each)."""
    weeks, first, last = _weeks_of(week_starts)
    statements = {s.week_start: s for s in Statement.objects.filter(dsp=dsp, week_start__in=weeks)}
    deducted = {w: defaultdict(Decimal) for w in weeks}
    if statements:
        for week, kind, amount in StatementLine.objects.filter(
            statement__in=list(statements.values()),
            kind__in=[StatementLine.Kind.LEASE, StatementLine.Kind.INSURANCE],
        ).values_list("statement__week_start", "kind", "amount"):
            deducted[week][kind] += amount
    hours = driver_hours_by_week(dsp=dsp, week_starts=weeks)
    energy = _energy_by_week(dsp=dsp, weeks=weeks, first=first, last=last)
    spans = [(w, w + timedelta(days=6)) for w in weeks]
    fleets = dict(zip(weeks, fleet_costs_by_span(dsp=dsp, spans=spans), strict=True))
    out = []
    for week_start in weeks:
        end = week_end_of(week_start)
        statement = statements.get(week_start)
        revenue = statement.net if statement else Decimal("0.00")
        wages = sum((r["wages"] for r in hours[week_start]), Decimal(0))
        fleet = fleets[week_start]
        # What the program already deducted on the statement is paid once, not again here.
        taken = deducted[week_start]
        expenses = {
            "wages": wages,
            "energy": energy[week_start],
            "maintenance": fleet["maintenance"],
            "repairs": fleet["repairs"],
            "leases": max(fleet["lease"] - taken[StatementLine.Kind.LEASE], Decimal("0.00")),
            "insurance": max(
                fleet["insurance"] - taken[StatementLine.Kind.INSURANCE], Decimal("0.00")
            ),
        }
        extra = extra_expenses(dsp=dsp, start=week_start, end=end)
        expenses.update({name: amount for name, _, amount in extra})
        total = sum(expenses.values(), Decimal(0))
        out.append(
            {
                "week_start": week_start,
                "revenue": revenue,
                "expenses": expenses,
                "total_expenses": total,
                "profit": revenue - total,
                "extra_expenses": [(label, amount) for _, label, amount in extra],
            }
        )
    return out


def finances(*, dsp: Dsp, weeks: int = 6, today: date | None = None) -> dict:
    """Weekly P&L of the closed weeks and the 12-week cash-flow projection from the planned
    volume at the rates in force each week (`billing.finances.projection`)."""
    today = today or dsp.station.today()
    current = week_start_of(today)
    history = weeks_pnl(
        dsp=dsp, week_starts=[current - timedelta(days=7 * i) for i in range(weeks, 0, -1)]
    )
    projection = cash_projection(dsp=dsp, today=today)
    return {
        "history": history,
        "projection": projection["weeks"],
        "outlook": projection,
        "settings": projection["settings"],
        "reserve_warning": projection["reserve_warning"],
    }
