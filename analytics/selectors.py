"""DSP analytics, read from the day-of-delivery records (reads only).

Every figure is for one DSP over a range of station dates (`Route.service_date`), and every
table costs a fixed number of queries however many routes, stops and events the range holds.

- **Completion** is billing's DCR: packages delivered / packages with a delivery attempt.
- **On time** follows billing's "delivered within window" (`DeliveryEvent.within_window`) for
  packages with a window; a package without one is on time when delivered no later than its
  stop's planned arrival + `ANALYTICS_ETA_TOLERANCE_MINUTES`. Deliveries with neither a window
  nor a planned stop are not measured.
- **A visit** is an address on a service date; it is *bad* when a package there failed (or
  was returned) or was delivered late. A **recurring problem** is an address, or an area (a
  grid cell of `ANALYTICS_AREA_CELL_DEGREES`), with at least `ANALYTICS_RECURRING_MIN_BAD` bad
  visits among its last `ANALYTICS_RECURRING_LAST_VISITS` visits in the range's final
  `ANALYTICS_RECURRING_LOOKBACK_DAYS` (a problem nobody met for a month is not current, and the
  cost stays bounded whatever range is picked).
- **Actual km** of a route comes from the odometer readings of its clock-in and clock-out
  punches when both were recorded, otherwise from its completed sequence (the planned leg
  distances of the stops that got an event); the source is reported with the figure. Location
  pings are not used: sampled every 30 s at best and pruned after a retention period, they
  under-count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Floor, Trim, Upper
from django.utils import timezone

from billing.selectors import weeks_pnl
from drivers.models import Driver, SafetyIncident
from dsps.models import Dsp, Role
from dsps.tenancy import dsp_of, get_for_user_or_404, is_program_staff, scope_to_user
from nextmile.calendar import week_start_of
from nextmile.dates import FIRST_DAY, LAST_DAY
from nextmile.money import cents
from routes.models import DeliveryEvent, Route, ShiftPunch
from routes.selectors import hours_of, worked_by_route

from .conf import conf

Kind = DeliveryEvent.Kind
ATTEMPTS = [Kind.DELIVERED, Kind.FAILED, Kind.RETURNED]
FAILURES = [Kind.FAILED, Kind.RETURNED]


# --- Who looks at which DSP, over which dates -------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period_parse(*, start: str | date | None, end: str | date | None, today: date) -> Period:
    """The range asked for (default: the last four weeks up to yesterday), or a
    `ValidationError` naming `start` or `end`."""
    errors = {}
    parsed = {}
    for name, raw in (("start", start), ("end", end)):
        if raw in (None, ""):
            parsed[name] = None
        elif isinstance(raw, date):
            parsed[name] = raw
        else:
            try:
                parsed[name] = date.fromisoformat(str(raw))
            except ValueError:
                errors[name] = "Enter a date as YYYY-MM-DD."
    for name, value in parsed.items():
        if value is not None and not (FIRST_DAY <= value <= LAST_DAY):
            errors[name] = f"Enter a date between {FIRST_DAY} and {LAST_DAY}."
    if errors:
        raise ValidationError(errors)
    weeks = conf("ANALYTICS_DEFAULT_WEEKS")
    end_day = parsed["end"] or today - timedelta(days=1)
    start_day = parsed["start"] or end_day - timedelta(days=7 * weeks - 1)
    if end_day < start_day:
        raise ValidationError({"end": "The end date is before the start date."})
    longest = conf("ANALYTICS_MAX_RANGE_DAYS")
    if (end_day - start_day).days + 1 > longest:
        raise ValidationError({"end": f"Pick at most {longest} days."})
    return Period(start_day, end_day)


def analytics_dsp_choices(*, user) -> QuerySet[Dsp]:
    """The DSPs the user may analyse: their own, or (program staff) any active one."""
    return (
        scope_to_user(Dsp.objects.all(), user)
        .filter(status=Dsp.Status.ACTIVE)
        .select_related("station")
        .order_by("name")
    )


def analytics_dsp(*, user, dsp_id: int | None) -> Dsp | None:
    """The DSP to show: a member's own (naming another one is a 404); for program staff the one
    they picked, or None until they pick."""
    if dsp_id is not None:
        return get_for_user_or_404(Dsp.objects.select_related("station"), user, pk=dsp_id)
    if is_program_staff(user):
        return None
    return dsp_of(user)


ANALYST_ROLES = (Role.PROGRAM_STAFF, Role.OWNER, Role.DISPATCHER)


# --- Shared pieces --------------------------------------------------------------------------


def _due():
    tolerance = Value(_minutes(), output_field=DurationField())
    return ExpressionWrapper(
        F("route_stop__planned_arrival") + tolerance, output_field=DateTimeField()
    )


def _minutes() -> timedelta:
    return timedelta(minutes=conf("ANALYTICS_ETA_TOLERANCE_MINUTES"))


def _on_time_q() -> Q:
    return Q(kind=Kind.DELIVERED) & (
        Q(within_window=True)
        | Q(within_window__isnull=True, route_stop__isnull=False, occurred_at__lte=_due())
    )


def _late_q() -> Q:
    return Q(kind=Kind.DELIVERED) & (
        Q(within_window=False)
        | Q(within_window__isnull=True, route_stop__isnull=False, occurred_at__gt=_due())
    )


def _measured_q() -> Q:
    return Q(kind=Kind.DELIVERED) & (Q(within_window__isnull=False) | Q(route_stop__isnull=False))


def _route_ids(dsp: Dsp, start: date, end: date) -> list[int]:
    return list(
        Route.objects.filter(dsp=dsp, service_date__range=(start, end)).values_list("id", flat=True)
    )


def _attempts(dsp: Dsp, period: Period) -> QuerySet[DeliveryEvent]:
    # The route ids go in as a list: PostgreSQL then reads the DSP's events through the
    # route index instead of scanning every station's events of the year (10× faster).
    return DeliveryEvent.objects.filter(
        route_id__in=_route_ids(dsp, period.start, period.end), kind__in=ATTEMPTS
    )


def _pct(numerator, denominator) -> float | None:
    if not denominator:
        return None
    return round(100.0 * numerator / denominator, 1)


# --- Completion and on-time by day ----------------------------------------------------------


# What the efficiency table needs of a route's attempts (also part of `route_stats`).
_ATTEMPT_SPAN = {
    "stops": Count("route_stop", distinct=True),
    "unplanned": Count("package", distinct=True, filter=Q(route_stop__isnull=True)),
    "first_at": Min("occurred_at"),
    "last_at": Max("occurred_at"),
}


def route_stats(*, dsp: Dsp, period: Period) -> list[dict]:
    """Per route with attempts: its date and driver, packages attempted, delivered, failed,
    deliveries measured for punctuality and on time, planned stops attempted, packages attempted
    outside any planned stop, first and last attempt. Two queries; the daily rates, the
    leaderboard and the efficiency table all add these up."""
    # The route's date and driver come with its id: the events are grouped by route alone,
    # without joining the routes table to them.
    routes = {
        route_id: (day, driver_id)
        for route_id, day, driver_id in Route.objects.filter(
            dsp=dsp, service_date__range=(period.start, period.end)
        ).values_list("id", "service_date", "driver_id")
    }
    rows = list(
        DeliveryEvent.objects.filter(route_id__in=list(routes), kind__in=ATTEMPTS)
        .values("route_id")
        .annotate(
            packages=Count("package", distinct=True),
            # a package is delivered at most once (a database constraint)
            delivered=Count("id", filter=Q(kind=Kind.DELIVERED)),
            failed=Count("package", distinct=True, filter=Q(kind__in=FAILURES)),
            measured=Count("id", filter=_measured_q()),
            on_time=Count("id", filter=_on_time_q()),
            **_ATTEMPT_SPAN,
        )
        .order_by()
    )
    for row in rows:
        row["day"], row["route_driver"] = routes[row["route_id"]]
    return rows


COUNTS = ("packages", "delivered", "failed", "measured", "on_time")


def daily_rates(*, dsp: Dsp, period: Period, stats: list[dict] | None = None) -> list[dict]:
    """Per service date with attempts: packages attempted, delivered, failed, completion %,
    deliveries measured for punctuality, on time, on-time %. Two queries (none given `stats`)."""
    days: dict[date, dict] = {}
    for row in route_stats(dsp=dsp, period=period) if stats is None else stats:
        day = days.setdefault(row["day"], {"day": row["day"], **dict.fromkeys(COUNTS, 0)})
        for key in COUNTS:
            day[key] += row[key]
    out = []
    for row in sorted(days.values(), key=lambda r: r["day"]):
        row["completion"] = _pct(row["delivered"], row["packages"])
        row["on_time_rate"] = _pct(row["on_time"], row["measured"])
        out.append(row)
    return out


def rates_summary(rows: list[dict]) -> dict:
    """The range's totals from `daily_rates` rows."""
    total = {k: sum(r[k] for r in rows) for k in ("packages", "delivered", "measured", "on_time")}
    total["completion"] = _pct(total["delivered"], total["packages"])
    total["on_time_rate"] = _pct(total["on_time"], total["measured"])
    return total


# --- Recurring problems ---------------------------------------------------------------------


def _visits(dsp: Dsp, period: Period) -> QuerySet:
    cell = Value(Decimal(conf("ANALYTICS_AREA_CELL_DEGREES")))
    one_if = lambda q: Max(Case(When(q, then=1), default=0, output_field=IntegerField()))  # noqa: E731
    return (
        _attempts(dsp, period)
        .values(visit_address=Upper(Trim("package__address")), visit_day=F("route__service_date"))
        .annotate(
            visit_failed=one_if(Q(kind__in=FAILURES)),
            visit_late=one_if(_late_q()),
            visit_lat=Max("package__latitude"),
            visit_lon=Max("package__longitude"),
            cell_y=Max(Floor(F("package__latitude") / cell)),
            cell_x=Max(Floor(F("package__longitude") / cell)),
        )
        .order_by()
    )


def lookback_days() -> int:
    return conf("ANALYTICS_RECURRING_LOOKBACK_DAYS")


def recurring_problems(*, dsp: Dsp, period: Period, limit: int = 500) -> dict[str, list[dict]]:
    """Addresses and areas with 3+ bad visits among their last 10 (in the range's final
    `ANALYTICS_RECURRING_LOOKBACK_DAYS`), worst first, with their counts (areas also with the
    cell's bounds). Two queries: the visits are computed once and ranked per address and area."""
    recent = Period(max(period.start, period.end - timedelta(days=lookback_days() - 1)), period.end)
    try:
        inner, params = _visits(dsp, recent).query.sql_with_params()
    except EmptyResultSet:  # no route in the period
        return {"addresses": [], "areas": []}
    sql = f"""
        WITH v AS ({inner}),
        k AS (
            SELECT 'address' AS grp, v."visit_address" AS key, v."visit_address" AS addr,
                   v."visit_day", v."visit_failed", v."visit_late", v."visit_lat", v."visit_lon"
            FROM v
            UNION ALL
            SELECT 'area', CAST(v."cell_y" AS TEXT) || ',' || CAST(v."cell_x" AS TEXT),
                   v."visit_address", v."visit_day", v."visit_failed", v."visit_late",
                   v."visit_lat", v."visit_lon"
            FROM v
        ),
        w AS (
            SELECT k.*,
                   CASE WHEN k."visit_failed" = 1 OR k."visit_late" = 1 THEN 1 ELSE 0 END AS bad,
                   ROW_NUMBER() OVER (
                       PARTITION BY k.grp, k.key ORDER BY k."visit_day" DESC, k.addr
                   ) AS rn
            FROM k
        )
        SELECT w.grp, w.key, COUNT(*), SUM(w.bad), SUM(w."visit_failed"), SUM(w."visit_late"),
               AVG(w."visit_lat"), AVG(w."visit_lon"), MAX(w."visit_day")
        FROM w
        WHERE w.rn <= %s
        GROUP BY w.grp, w.key
        HAVING SUM(w.bad) >= %s
        ORDER BY w.grp, SUM(w.bad) DESC, w.key
    """  # only the ORM's own SQL is formatted in; every value is a parameter
    last = conf("ANALYTICS_RECURRING_LAST_VISITS")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, last, conf("ANALYTICS_RECURRING_MIN_BAD")])
        rows = cursor.fetchall()
    size = Decimal(conf("ANALYTICS_AREA_CELL_DEGREES"))
    out: dict[str, list[dict]] = {"addresses": [], "areas": []}
    for grp, key, visits, bad, failed, late, lat, lon, last_day in rows:
        row = {
            "visits": int(visits),
            "bad": int(bad),
            "failed": int(failed),
            "late": int(late),
            "latitude": round(float(lat), 6),
            "longitude": round(float(lon), 6),
            "last_visit": last_day
            if isinstance(last_day, date)
            else date.fromisoformat(str(last_day)),
        }
        if grp == "address":
            if len(out["addresses"]) < limit:
                out["addresses"].append({"address": key, **row})
            continue
        if len(out["areas"]) >= limit:
            continue
        y, x = (int(float(v)) for v in key.split(","))
        south, west = Decimal(y) * size, Decimal(x) * size
        out["areas"].append(
            {
                "area": f"{south:.3f},{west:.3f}",
                "bounds": [
                    [float(south), float(west)],
                    [float(south + size), float(west + size)],
                ],
                **row,
            }
        )
    return out


def recurring_addresses(*, dsp: Dsp, period: Period, limit: int = 500) -> list[dict]:
    """The addresses of `recurring_problems`."""
    return recurring_problems(dsp=dsp, period=period, limit=limit)["addresses"]


def recurring_areas(*, dsp: Dsp, period: Period, limit: int = 500) -> list[dict]:
    """The areas of `recurring_problems`."""
    return recurring_problems(dsp=dsp, period=period, limit=limit)["areas"]


# --- Route efficiency -----------------------------------------------------------------------


def _route_hours(route_ids: list[int]) -> dict[int, float]:
    """Worked hours per route that has any (the one rule, `routes.rules.hours.worked_time`)."""
    worked = worked_by_route(route_ids=route_ids, until=timezone.now())
    return {k: float(hours_of(v)) for k, v in worked.items() if v > timedelta(0)}


def _odometer_km(route_ids: list[int]) -> dict[int, float]:
    """Clock-out minus clock-in odometer reading, per route that recorded both."""
    readings: dict[int, dict[str, int]] = defaultdict(dict)
    for route_id, kind, km in ShiftPunch.objects.filter(
        route_id__in=route_ids,
        kind__in=[ShiftPunch.Kind.CLOCK_IN, ShiftPunch.Kind.CLOCK_OUT],
        odometer_km__isnull=False,
    ).values_list("route_id", "kind", "odometer_km"):
        readings[route_id][kind] = km
    return {
        route_id: float(r[ShiftPunch.Kind.CLOCK_OUT] - r[ShiftPunch.Kind.CLOCK_IN])
        for route_id, r in readings.items()
        if len(r) == 2 and r[ShiftPunch.Kind.CLOCK_OUT] > r[ShiftPunch.Kind.CLOCK_IN]
    }


def route_efficiency(*, dsp: Dsp, period: Period, stats: list[dict] | None = None) -> list[dict]:
    """Per service date: routes, stops done, paid hours, stops per hour, actual km (and where it
    came from), planned km, km per stop and actual / planned km. Four or five queries (one
    fewer given `route_stats`, which already holds each route's attempts)."""
    routes = list(
        Route.objects.filter(dsp=dsp, service_date__range=(period.start, period.end))
        .exclude(status=Route.Status.DRAFT)
        .values("id", "service_date", "planned_km", "distance_m")
    )
    ids = [r["id"] for r in routes]
    if stats is None:
        stats = (
            DeliveryEvent.objects.filter(route_id__in=ids, kind__in=ATTEMPTS)
            .values("route_id")
            .annotate(**_ATTEMPT_SPAN)
            .order_by()
        )
    done = {row["route_id"]: row for row in stats}
    hours = _route_hours(ids)
    odometer = _odometer_km(ids)
    sequence_m = {}
    without = [i for i in ids if i not in odometer]
    if without:  # only routes whose odometer was not read at both ends
        sequence_m = defaultdict(int)
        for route_id, _stop, metres in (
            DeliveryEvent.objects.filter(
                route_id__in=without, route_stop__isnull=False, kind__in=ATTEMPTS
            )
            .values_list("route_id", "route_stop_id", "route_stop__leg_distance_m")
            .distinct()
            .order_by()
        ):
            sequence_m[route_id] += metres
    days: dict[date, dict] = {}
    for r in routes:
        row = days.setdefault(
            r["service_date"],
            {
                "day": r["service_date"],
                "routes": 0,
                "stops": 0,
                "hours": 0.0,
                "timed_stops": 0,
                "actual_km": 0.0,
                "planned_km": 0.0,
                "km_stops": 0,
                "sources": set(),
            },
        )
        stats = done.get(r["id"])
        # a stop per planned stop attempted; events outside any plan count a stop per package
        stops = stats["stops"] + stats["unplanned"] if stats else 0
        row["routes"] += 1
        row["stops"] += stops
        worked = hours.get(r["id"])
        if worked is None and stats and stats["last_at"] > stats["first_at"]:
            # no punches: the span from the first to the last attempt
            worked = (stats["last_at"] - stats["first_at"]).total_seconds() / 3600
        if worked and stops:
            row["hours"] += worked
            row["timed_stops"] += stops
        actual, source = None, None
        if r["id"] in odometer:
            actual, source = odometer[r["id"]], "odometer"
        elif sequence_m.get(r["id"]):
            actual, source = sequence_m[r["id"]] / 1000, "sequence"
        planned = float(r["planned_km"]) or r["distance_m"] / 1000
        if actual is not None and stops:
            row["actual_km"] += actual
            row["planned_km"] += planned
            row["km_stops"] += stops
            row["sources"].add(source)
    out = []
    for row in sorted(days.values(), key=lambda d: d["day"]):
        sources = row.pop("sources")
        out.append(
            {
                "day": row["day"],
                "routes": row["routes"],
                "stops": row["stops"],
                "hours": round(row["hours"], 2),  # to the cent of an hour, as pay shows it
                "stops_per_hour": round(row["timed_stops"] / row["hours"], 1)
                if row["hours"]
                else None,
                "actual_km": round(row["actual_km"], 1) if row["km_stops"] else None,
                "planned_km": round(row["planned_km"], 1) if row["km_stops"] else None,
                "km_per_stop": round(row["actual_km"] / row["km_stops"], 2)
                if row["km_stops"]
                else None,
                "actual_vs_planned": _pct(row["actual_km"], row["planned_km"])
                if row["km_stops"]
                else None,
                "km_source": " + ".join(sorted(sources)) if sources else "",
            }
        )
    return out


# --- Driver leaderboard ---------------------------------------------------------------------


def driver_leaderboard(*, dsp: Dsp, period: Period, stats: list[dict] | None = None) -> list[dict]:
    """Drivers ranked by completion (higher first), then safety incidents per 100 routes (fewer
    first); customer complaints are not safety events (as on the scorecard). Four queries
    (two given `stats`)."""
    by_driver: dict[int, dict] = {}
    for row in route_stats(dsp=dsp, period=period) if stats is None else stats:
        if row["route_driver"] is None:
            continue
        driver = by_driver.setdefault(
            row["route_driver"], {"routes": 0, **dict.fromkeys(COUNTS, 0)}
        )
        driver["routes"] += 1
        for key in COUNTS:
            driver[key] += row[key]
    tz = dsp.station.tz
    incidents = dict(
        SafetyIncident.objects.filter(
            driver__dsp=dsp,
            occurred_at__gte=datetime.combine(period.start, time.min, tzinfo=tz),
            occurred_at__lt=datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=tz),
        )
        .exclude(kind=SafetyIncident.Kind.CUSTOMER_COMPLAINT)
        .values("driver_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("driver_id", "n")
    )
    drivers = Driver.objects.filter(pk__in=set(by_driver) | set(incidents)).only(
        "first_name", "last_name"
    )
    rows = []
    for driver in drivers:
        s = by_driver.get(driver.pk, {})
        routes = s.get("routes", 0)
        n = incidents.get(driver.pk, 0)
        rows.append(
            {
                "driver_id": driver.pk,
                "driver": f"{driver.first_name} {driver.last_name}".strip(),
                "routes": routes,
                "packages": s.get("packages", 0),
                "delivered": s.get("delivered", 0),
                "completion": _pct(s.get("delivered", 0), s.get("packages", 0)),
                "on_time_rate": _pct(s.get("on_time", 0), s.get("measured", 0)),
                "incidents": n,
                "incidents_per_100_routes": round(100.0 * n / routes, 1) if routes else None,
            }
        )
    rows.sort(
        key=lambda r: (
            -(r["completion"] if r["completion"] is not None else -1),
            r["incidents_per_100_routes"] if r["incidents_per_100_routes"] is not None else 1e9,
            r["driver"],
        )
    )
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


# --- Cost per package -----------------------------------------------------------------------

PNL_CACHE_SECONDS = 600


def _weeks_pnl_cached(dsp: Dsp, weeks: list[date]) -> dict[date, dict]:
    """A closed week's P&L changes only when staff add a line to its statement: kept for ten
    minutes, so re-reading the page does not rebuild every week's wages and fleet costs. The
    weeks not kept are built together (`billing.selectors.weeks_pnl`, a fixed number of
    queries for the wages, energy, fleet and statements of all of them)."""
    keys = {week: f"analytics:pnl:{dsp.pk}:{week.isoformat()}" for week in weeks}
    kept = cache.get_many(list(keys.values()))
    out = {week: kept[key] for week, key in keys.items() if key in kept}
    missing = [week for week in weeks if week not in out]
    if missing:
        built = {
            pnl["week_start"]: {"total_expenses": pnl["total_expenses"], "revenue": pnl["revenue"]}
            for pnl in weeks_pnl(dsp=dsp, week_starts=missing)
        }
        cache.set_many({keys[week]: pnl for week, pnl in built.items()}, PNL_CACHE_SECONDS)
        out.update(built)
    return out


def cost_per_package(*, dsp: Dsp, period: Period, stats: list[dict] | None = None) -> list[dict]:
    """Per closed program week touching the range: the DSP's costs and revenue from billing's
    weekly P&L (`billing.selectors.week_pnl`) over the packages it delivered that week. The
    week still running is left out: its statement and costs are not final. Given the range's
    `route_stats`, only the days of those weeks outside the range are counted again."""
    today = dsp.station.today()
    first = week_start_of(period.start)
    last = min(week_start_of(period.end), week_start_of(today) - timedelta(days=7))
    if last < first:
        return []
    weeks = [first + timedelta(days=7 * i) for i in range((last - first).days // 7 + 1)]
    routes = Route.objects.filter(dsp=dsp, service_date__range=(first, last + timedelta(days=6)))
    delivered_by_day: dict[date, int] = defaultdict(int)
    if stats is not None:
        routes = routes.exclude(service_date__range=(period.start, period.end))
        for row in stats:
            delivered_by_day[row["day"]] += row["delivered"]
    for day, n in (
        DeliveryEvent.objects.filter(
            route_id__in=list(routes.values_list("id", flat=True)), kind=Kind.DELIVERED
        )
        .values("route__service_date")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("route__service_date", "n")
    ):
        delivered_by_day[day] += n
    pnls = _weeks_pnl_cached(dsp, weeks)
    out = []
    for week in weeks:
        week_end = week + timedelta(days=7)
        delivered = sum(n for day, n in delivered_by_day.items() if week <= day < week_end)
        pnl = pnls[week]
        cost, revenue = pnl["total_expenses"], Decimal(pnl["revenue"])
        out.append(
            {
                "week_start": week,
                "delivered": delivered,
                "total_cost": cents(cost),
                "revenue": cents(revenue),
                "cost_per_package": cents(cost / delivered) if delivered else None,
                # no statement for the week yet: no revenue to divide
                "revenue_per_package": cents(revenue / delivered)
                if delivered and revenue
                else None,
            }
        )
    return out
