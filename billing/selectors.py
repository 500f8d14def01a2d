"""Billing reads, scoped to the caller: scorecards, statements, disputes, finances."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet

from dsps.models import Dsp, Station
from dsps.tenancy import dsp_of, scope_to_user
from fleet.selectors import fleet_costs
from routes.models import Route, ShiftPunch

from .finances import extra_expenses
from .models import (
    Dispute,
    PeakPeriod,
    RateCard,
    Scorecard,
    Statement,
    StatementLine,
    ThresholdSet,
)
from .projection import cash_projection
from .scorecards import week_records, week_start_of

CENT = Decimal("0.01")


def scorecard_list(*, user) -> QuerySet[Scorecard]:
    return scope_to_user(Scorecard.objects.all(), user).select_related("dsp")


def scorecard_trend(*, card: Scorecard, weeks: int = 8) -> list[Scorecard]:
    """The DSP's scorecards up to `card`'s week, oldest first (the card is already authorised)."""
    rows = Scorecard.objects.filter(dsp_id=card.dsp_id, week_start__lte=card.week_start)
    return list(rows.order_by("-week_start")[:weeks])[::-1]


def scorecard_driver_or_404(*, card: Scorecard, driver_pk: int):
    """A driver of the scorecard's DSP (404 for anyone else's)."""
    from django.shortcuts import get_object_or_404

    from drivers.models import Driver

    return get_object_or_404(Driver, pk=driver_pk, dsp_id=card.dsp_id)


def statement_list(*, user) -> QuerySet[Statement]:
    return scope_to_user(Statement.objects.all(), user).select_related("dsp")


def statement_line_list(*, user) -> QuerySet[StatementLine]:
    return scope_to_user(StatementLine.objects.all(), user).select_related("statement__dsp")


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
    from drivers.models import Driver
    from fleet.models import Vehicle
    from routes.models import DeliveryEvent, Package

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


def driver_hours(*, dsp: Dsp, week_start: date) -> list[dict]:
    """Per driver: planned hours (routes' drive + service time) and actual hours (clock-in to
    clock-out less breaks), with wages at the driver's rate and overtime past the limit."""
    end = week_start + timedelta(days=6)
    planned: dict[int, Decimal] = defaultdict(Decimal)
    drivers = {}
    for r in Route.objects.filter(
        dsp=dsp, service_date__range=(week_start, end), driver__isnull=False
    ).select_related("driver"):
        planned[r.driver_id] += Decimal(r.drive_s + r.service_s) / 3600
        drivers[r.driver_id] = r.driver
    actual: dict[int, Decimal] = defaultdict(Decimal)
    open_at: dict[int, object] = {}
    punches = (
        ShiftPunch.objects.filter(driver__dsp=dsp, route__service_date__range=(week_start, end))
        .select_related("driver")
        .order_by("driver_id", "at", "id")
    )
    for p in punches:
        drivers.setdefault(p.driver_id, p.driver)
        if p.kind in (ShiftPunch.Kind.CLOCK_IN, ShiftPunch.Kind.BREAK_END):
            open_at[p.driver_id] = p.at
        elif p.driver_id in open_at:
            started = open_at.pop(p.driver_id)
            actual[p.driver_id] += Decimal((p.at - started).total_seconds()) / 3600
    limit = Decimal(settings.BILLING_OVERTIME_AFTER_HOURS)
    multiplier = Decimal(settings.BILLING_OVERTIME_MULTIPLIER)
    rows = []
    for driver_id, driver in sorted(drivers.items(), key=lambda kv: str(kv[1])):
        hours = actual[driver_id].quantize(CENT)
        regular = min(hours, limit)
        overtime = max(hours - limit, Decimal(0))
        wages = regular * driver.hourly_rate + overtime * driver.hourly_rate * multiplier
        rows.append(
            {
                "driver": driver,
                "planned_hours": planned[driver_id].quantize(CENT),
                "actual_hours": hours,
                "regular_hours": regular,
                "overtime_hours": overtime,
                "rate": driver.hourly_rate,
                "wages": wages.quantize(CENT),
            }
        )
    return rows


def energy_cost(*, dsp: Dsp, start: date, end: date) -> Decimal:
    """Route km × the van's energy use per km × the price of that energy."""
    prices = {k: Decimal(v) for k, v in settings.BILLING_ENERGY_PRICES.items()}
    total = Decimal(0)
    for r in Route.objects.filter(
        dsp=dsp, service_date__range=(start, end), vehicle__offer__isnull=False
    ).select_related("vehicle__offer"):
        km = Decimal(r.distance_m) / 1000 if r.distance_m else r.planned_km
        offer = r.vehicle.offer
        total += km * offer.energy_per_km * prices.get(offer.energy_kind, Decimal(0))
    return total.quantize(CENT)


def week_pnl(*, dsp: Dsp, week_start: date) -> dict:
    """Revenue (the week's statement net) against the DSP's own costs."""
    end = week_start + timedelta(days=6)
    statement = Statement.objects.filter(dsp=dsp, week_start=week_start).first()
    revenue = statement.net if statement else Decimal("0.00")
    wages = sum((r["wages"] for r in driver_hours(dsp=dsp, week_start=week_start)), Decimal(0))
    fleet = fleet_costs(dsp=dsp, start=week_start, end=end)
    energy = energy_cost(dsp=dsp, start=week_start, end=end)
    # What the program already deducted on the statement is paid once, not again here.
    deducted = defaultdict(Decimal)
    if statement:
        for kind, amount in statement.lines.filter(
            kind__in=[StatementLine.Kind.LEASE, StatementLine.Kind.INSURANCE]
        ).values_list("kind", "amount"):
            deducted[kind] += amount
    expenses = {
        "wages": wages,
        "energy": energy,
        "maintenance": fleet["maintenance"],
        "repairs": fleet["repairs"],
        "leases": max(fleet["lease"] - deducted[StatementLine.Kind.LEASE], Decimal("0.00")),
        "insurance": max(
            fleet["insurance"] - deducted[StatementLine.Kind.INSURANCE], Decimal("0.00")
        ),
    }
    extra = extra_expenses(dsp=dsp, start=week_start, end=end)
    expenses.update({name: amount for name, _, amount in extra})
    total = sum(expenses.values(), Decimal(0))
    return {
        "week_start": week_start,
        "revenue": revenue,
        "expenses": expenses,
        "total_expenses": total,
        "profit": revenue - total,
        "extra_expenses": [(label, amount) for _, label, amount in extra],
    }


def finances(*, dsp: Dsp, weeks: int = 6, today: date | None = None) -> dict:
    """Weekly P&L of the closed weeks and the 12-week cash-flow projection from the planned
    volume at the rates in force each week (`billing.projection`)."""
    today = today or dsp.station.today()
    current = week_start_of(today)
    history = [
        week_pnl(dsp=dsp, week_start=current - timedelta(days=7 * i)) for i in range(weeks, 0, -1)
    ]
    projection = cash_projection(dsp=dsp, today=today)
    return {
        "history": history,
        "projection": projection["weeks"],
        "outlook": projection,
        "settings": projection["settings"],
        "reserve_warning": projection["reserve_warning"],
    }
