"""The owner's 12-week cash-flow projection (reads only).

Volume, day by day from the station's today: the routes already planned for a day (with their
planned hours, km, driver's pay rate and van) and the packages on their stops; a day without
planned routes takes the DSP's recent pattern for that weekday (what ran on the same weekday in
the four weeks before this one, divided by four, at the hours worked on it: the P&L's rule).
Each program week is then priced with the rate card in force at its start: routes (long ones at
the long-route fee), packages, leased vans (as the statement: each van leased in the week at
the weekly fee, a part week its share of the days), the incentive at the current tier and peak
pay on the days inside a peak period; less the van leases and insurance when the program
collects them. Costs: wages (hours × pay rate, plus overtime: past
`BILLING_OVERTIME_AFTER_HOURS` of a driver's planned and usual hours in a week, the extra
`BILLING_OVERTIME_MULTIPLIER` share of their rate; a route without a driver yet counts no
overtime), energy (km × the van's use per km × `ENERGY_PRICES`), leases and insurance (prorated
by day, unless the program already deducts them) and maintenance and repairs at the last four
weeks' daily average. In the current week only the hours from today on count towards overtime.

The current week counts from today on: what ran before today is the owner's cash on hand. A
second series shows the same weeks if the tier drops one level.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum

from billing.models import TIER_ORDER, FinanceSettings, PeakPeriod, RateCard, Scorecard, Tier
from billing.statements.rates import rate_card_for
from drivers.models import Driver
from dsps.models import Dsp
from fleet.selectors import fleet_costs, leases_in_force
from nextmile.calendar import week_days, week_end_of, week_start_of
from nextmile.energy import energy_prices
from nextmile.money import cents
from routes.models import DeliveryEvent, Route
from routes.selectors import hours_of, worked_by_route

HISTORY_WEEKS = 4


@dataclass
class RouteDay:
    """One route's share of a day: weight 1 when planned, 1/4 when taken from the pattern."""

    hours: Decimal
    km: Decimal
    wage_rate: Decimal
    energy_per_km: Decimal  # money per km
    weight: Decimal = Decimal(1)
    driver_id: int | None = None  # whose weekly hours count towards overtime
    source_week: date | None = None  # the past week a usual route ran in (None when planned)


@dataclass
class DayVolume:
    day: date
    planned: bool
    routes: list[RouteDay] = field(default_factory=list)
    packages: Decimal = Decimal(0)
    vans: frozenset = frozenset()  # ids of the vans leased that day


def _offer_cost_per_km(offer, prices) -> Decimal:
    if offer is None:
        return Decimal(0)
    return offer.energy_per_km * prices.get(offer.energy_kind, Decimal(0))


def _route_hours(route: Route) -> Decimal:
    return Decimal(route.drive_s + route.service_s) / 3600


def _route_km(route: Route) -> Decimal:
    return Decimal(route.distance_m) / 1000 if route.distance_m else Decimal(route.planned_km)


def _fleet_averages(dsp: Dsp, today: date) -> tuple[Decimal, Decimal]:
    """The DSP's mean driver pay rate and its leased vans' mean energy cost per km today."""
    rates = list(
        Driver.objects.filter(dsp=dsp, status=Driver.Status.ACTIVE).values_list(
            "hourly_rate", flat=True
        )
    )
    wage = sum(rates, Decimal(0)) / len(rates) if rates else Decimal(0)
    prices = energy_prices()
    offers = [
        lease.vehicle.offer or lease.offer
        for lease in _leases_on(dsp, today, today).select_related("offer", "vehicle__offer")
    ]
    energy = (
        sum((_offer_cost_per_km(o, prices) for o in offers), Decimal(0)) / len(offers)
        if offers
        else Decimal(0)
    )
    return wage, energy


def _leases_on(dsp: Dsp, start: date, end: date):
    return leases_in_force(dsp=dsp, start=start, end=end)


def _vans_by_day(dsp: Dsp, start: date, end: date) -> dict[date, frozenset]:
    counts: dict[date, set] = defaultdict(set)
    for lease in _leases_on(dsp, start, end):
        last = min(end, lease.ends_on or end, lease.returned_on or end)
        day = max(start, lease.starts_on)
        while day <= last:
            counts[day].add(lease.vehicle_id)
            day += timedelta(days=1)
    return {d: frozenset(v) for d, v in counts.items()}


def _planned_days(dsp: Dsp, start: date, end: date, wage: Decimal, energy: Decimal) -> dict:
    """Routes already planned from `start` to `end`, by day, with the packages on their stops."""
    prices = energy_prices()
    days: dict[date, DayVolume] = {}
    routes = (
        Route.objects.filter(dsp=dsp, service_date__range=(start, end))
        .select_related("driver", "vehicle__offer")
        .annotate(packages=Sum("route_stops__stop__package_count"))
        .order_by("service_date", "code")
    )
    for r in routes:
        volume = days.setdefault(r.service_date, DayVolume(day=r.service_date, planned=True))
        van_energy = _offer_cost_per_km(r.vehicle.offer, prices) if r.vehicle else None
        volume.routes.append(
            RouteDay(
                hours=_route_hours(r),
                km=_route_km(r),
                wage_rate=r.driver.hourly_rate if r.driver else wage,
                energy_per_km=van_energy if van_energy else energy,
                driver_id=r.driver_id,
            )
        )
        volume.packages += Decimal(r.packages or 0)
    return days


def _weekday_pattern(dsp: Dsp, current: date, wage: Decimal, energy: Decimal) -> dict:
    """By weekday: the routes that ran and the packages delivered on it over the last four
    weeks, each at a quarter weight."""
    start = current - timedelta(days=7 * HISTORY_WEEKS)
    end = current - timedelta(days=1)
    weight = Decimal(1) / HISTORY_WEEKS
    pattern: dict[int, DayVolume] = {}
    ran = (
        Route.objects.filter(
            dsp=dsp,
            service_date__range=(start, end),
            status__in=(Route.Status.IN_PROGRESS, Route.Status.COMPLETED),
        )
        .select_related("driver")
        .order_by("service_date", "code")
    )
    ran = list(ran)
    # what the usual week paid: the hours worked on each route that ran (the P&L's own rule),
    # its planned hours where nobody punched
    worked = worked_by_route(route_ids=[r.pk for r in ran])
    for r in ran:
        volume = pattern.setdefault(
            r.service_date.weekday(), DayVolume(day=r.service_date, planned=False)
        )
        # A driver still on the books keeps their own rate and their hours count towards
        # their overtime; anyone else's routes go to the fleet's mean rate.
        driver = r.driver if r.driver and r.driver.status == Driver.Status.ACTIVE else None
        volume.routes.append(
            RouteDay(
                hours=hours_of(worked[r.pk]) if worked.get(r.pk) else _route_hours(r),
                km=_route_km(r),
                wage_rate=driver.hourly_rate if driver else wage,
                energy_per_km=energy,
                weight=weight,
                driver_id=driver.pk if driver else None,
                source_week=week_start_of(r.service_date),
            )
        )
    delivered = DeliveryEvent.objects.filter(
        route__dsp=dsp, route__service_date__range=(start, end), kind=DeliveryEvent.Kind.DELIVERED
    ).values_list("route__service_date", flat=True)
    for day in delivered:
        volume = pattern.setdefault(day.weekday(), DayVolume(day=day, planned=False))
        volume.packages += weight
    return pattern


def current_tier(dsp: Dsp, current: date) -> str | None:
    """The tier of the DSP's latest scorecard before this week."""
    return (
        Scorecard.objects.filter(dsp=dsp, week_start__lt=current)
        .order_by("-week_start")
        .values_list("tier", flat=True)
        .first()
    )


def tier_below(tier: str | None) -> str | None:
    if tier is None:
        return None
    return TIER_ORDER[min(TIER_ORDER.index(tier) + 1, len(TIER_ORDER) - 1)]


def _rates(dsp: Dsp, week_start: date) -> RateCard | None:
    try:
        return rate_card_for(station=dsp.station, week_start=week_start)
    except ValidationError:
        return None


def _incentive(rates: RateCard | None, tier: str | None) -> Decimal:
    if rates is None or tier is None:
        return Decimal(0)
    return Decimal(str(rates.incentive_per_package.get(tier, 0)))


def _overtime(days: list[DayVolume]) -> tuple[Decimal, Decimal]:
    """(hours past the weekly limit, their extra pay) over the drivers of the counted days;
    each driver's extra is at their hours-weighted mean rate.

    Overtime is owed week by week, so usual volume is not averaged before the limit applies:
    a driver's planned hours are added to each past week's hours in turn (a week they did not
    work adds none), and the overtime of each is counted at that week's weight."""
    limit = Decimal(settings.BILLING_OVERTIME_AFTER_HOURS)
    extra = Decimal(settings.BILLING_OVERTIME_MULTIPLIER) - 1
    planned: dict[int, Decimal] = defaultdict(Decimal)
    usual: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    weight_of: dict[date, Decimal] = {}
    hours: dict[int, Decimal] = defaultdict(Decimal)
    pay: dict[int, Decimal] = defaultdict(Decimal)
    for d in days:
        for r in d.routes:
            if r.driver_id is None:
                continue
            if r.source_week is None:
                planned[r.driver_id] += r.hours
            else:
                usual[r.driver_id][r.source_week] += r.hours
                weight_of[r.source_week] = r.weight
            hours[r.driver_id] += r.weight * r.hours
            pay[r.driver_id] += r.weight * r.hours * r.wage_rate
    over_hours = premium = Decimal(0)
    for driver_id, worked in hours.items():
        weeks = usual.get(driver_id, {})
        over = sum(
            (
                weight_of[w] * max(planned[driver_id] + h - limit, Decimal(0))
                for w, h in weeks.items()
            ),
            Decimal(0),
        )
        # the past weeks in which the driver ran none of the counted weekdays
        rest = Decimal(1) - sum((weight_of[w] for w in weeks), Decimal(0)) if weeks else Decimal(1)
        over += rest * max(planned[driver_id] - limit, Decimal(0))
        if over and worked:
            over_hours += over
            premium += over * pay[driver_id] / worked * extra
    return over_hours, premium


def _price_week(dsp, week_start, days, rates, peaks, upkeep_per_day, tier, drop_tier) -> dict:
    """Revenue and costs of the counted days of one week, each figure to the cent."""
    first, last = days[0].day, days[-1].day
    route_weight = long_weight = packages = Decimal(0)
    vans: set = set()
    wages = energy = Decimal(0)
    peak = Decimal(0)
    long_s = rates.long_route_hours if rates and rates.long_route_fee else None
    for d in days:
        packages += d.packages
        vans |= d.vans
        day_routes = Decimal(0)
        for r in d.routes:
            day_routes += r.weight
            if long_s is not None and r.hours > long_s:
                long_weight += r.weight
            else:
                route_weight += r.weight
            wages += r.weight * r.hours * r.wage_rate
            energy += r.weight * r.km * r.energy_per_km
        for p in peaks:
            if p.starts_on <= d.day <= p.ends_on:
                peak += day_routes * p.per_route + d.packages * p.per_package
    overtime_hours, overtime = _overtime(days)
    wages += overtime
    fleet = fleet_costs(dsp=dsp, start=first, end=last)
    revenue: dict[str, Decimal] = {}
    deducted: dict[str, Decimal] = {}
    if rates:
        revenue = {
            "routes": cents(route_weight * rates.route_fee + long_weight * rates.long_route_fee),
            "packages": cents(packages * rates.package_rate),
            # as the statement: each van leased in the week at the weekly fee (a part week
            # pays its share of the days counted)
            "vans": cents(len(vans) * rates.van_weekly_fee * len(days) / 7),
            "incentive": cents(packages * _incentive(rates, tier)),
            "peak": cents(peak),
        }
        if rates.collects_fleet_costs:
            deducted = {"leases": fleet["lease"], "insurance": fleet["insurance"]}
    costs = {
        "wages": cents(wages),
        "energy": cents(energy),
        "leases": Decimal("0.00") if deducted else fleet["lease"],
        "insurance": Decimal("0.00") if deducted else fleet["insurance"],
        "maintenance": cents(upkeep_per_day * len(days)),
    }
    income = sum(revenue.values(), Decimal(0)) - sum(deducted.values(), Decimal(0))
    drop_incentive = cents(packages * _incentive(rates, drop_tier))
    return {
        "week_start": week_start,
        "days": len(days),
        "planned_days": sum(1 for d in days if d.planned),
        "routes": route_weight + long_weight,
        "packages": packages,
        "overtime_hours": overtime_hours,
        "overtime": cents(overtime),
        "rates": rates,
        "revenue": revenue,
        "deducted": deducted,
        "income": income,
        "costs": costs,
        "total_costs": sum(costs.values(), Decimal(0)),
        "drop_difference": revenue.get("incentive", Decimal(0)) - drop_incentive,
    }


def cash_projection(*, dsp: Dsp, today: date | None = None, weeks: int = 12) -> dict:
    """Cash week by week for `weeks` program weeks from today, and the same if the tier drops
    one level; the first week each series falls below the owner's reserve."""
    today = today or dsp.station.today()
    current = week_start_of(today)
    horizon_end = current + timedelta(days=7 * weeks - 1)
    wage, energy = _fleet_averages(dsp, today)
    planned = _planned_days(dsp, today, horizon_end, wage, energy)
    pattern = _weekday_pattern(dsp, current, wage, energy)
    vans = _vans_by_day(dsp, today, horizon_end)
    recent = fleet_costs(
        dsp=dsp, start=current - timedelta(days=28), end=current - timedelta(days=1)
    )
    upkeep_per_day = (recent["maintenance"] + recent["repairs"]) / 28
    peaks = list(
        PeakPeriod.objects.filter(
            station=dsp.station, starts_on__lte=horizon_end, ends_on__gte=today
        )
    )
    tier = current_tier(dsp, current)
    drop_tier = tier_below(tier)
    settings_row = FinanceSettings.objects.filter(dsp=dsp).first() or FinanceSettings(dsp=dsp)
    reserve = settings_row.reserve_threshold
    cash = cash_if_drop = settings_row.cash_on_hand
    rows, warning, drop_warning = [], None, None
    for i in range(weeks):
        week_start = current + timedelta(days=7 * i)
        days = []
        for n in range(7):
            day = week_start + timedelta(days=n)
            if day < today:
                continue
            if day in planned:
                volume = planned[day]
            else:
                source = pattern.get(day.weekday())
                volume = DayVolume(
                    day=day,
                    planned=False,
                    routes=list(source.routes) if source else [],
                    packages=source.packages if source else Decimal(0),
                )
            volume.vans = vans.get(day, frozenset())
            days.append(volume)
        row = _price_week(
            dsp, week_start, days, _rates(dsp, week_start), peaks, upkeep_per_day, tier, drop_tier
        )
        row["net"] = row["income"] - row["total_costs"]
        cash += row["net"]
        cash_if_drop += row["net"] - row["drop_difference"]
        row["cash"], row["cash_if_drop"] = cash, cash_if_drop
        if warning is None and cash < reserve:
            warning = week_start
        if drop_warning is None and cash_if_drop < reserve:
            drop_warning = week_start
        rows.append(row)
    total_drop = sum((r["drop_difference"] for r in rows), Decimal(0))
    full = [r for r in rows if r["days"] == 7]
    return {
        "weeks": rows,
        "tier": tier,
        "tier_label": Tier(tier).label if tier else None,
        "drop_tier": drop_tier,
        "drop_tier_label": Tier(drop_tier).label if drop_tier else None,
        "drop_total": total_drop,
        "drop_per_week": cents(sum((r["drop_difference"] for r in full), Decimal(0)) / len(full))
        if full
        else Decimal("0.00"),
        "settings": settings_row,
        "reserve_warning": warning,
        "drop_reserve_warning": drop_warning,
    }


def week_projected(*, dsp: Dsp, week_start: date) -> dict:
    """One program week priced by the projection's rules from its own planned routes alone
    (no usual-volume pattern), at the tier before it: for a closed week that ran as planned
    this is the week's P&L to the cent, which is how the projection is back-tested."""
    end = week_end_of(week_start)
    wage, energy = _fleet_averages(dsp, week_start)
    planned = _planned_days(dsp, week_start, end, wage, energy)
    vans = _vans_by_day(dsp, week_start, end)
    days = []
    for day in week_days(week_start):
        volume = planned.get(day) or DayVolume(day=day, planned=False)
        volume.vans = vans.get(day, frozenset())
        days.append(volume)
    recent = fleet_costs(
        dsp=dsp, start=week_start - timedelta(days=28), end=week_start - timedelta(days=1)
    )
    peaks = list(
        PeakPeriod.objects.filter(station=dsp.station, starts_on__lte=end, ends_on__gte=week_start)
    )
    tier = current_tier(dsp, week_start)
    row = _price_week(
        dsp,
        week_start,
        days,
        _rates(dsp, week_start),
        peaks,
        (recent["maintenance"] + recent["repairs"]) / 28,
        tier,
        tier_below(tier),
    )
    row["net"] = row["income"] - row["total_costs"]
    return row
