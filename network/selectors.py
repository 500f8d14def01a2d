"""Network reads for program staff: a station's coverage, capacity by DSP, overflow and peak.

Every page figure comes from a fixed number of aggregate queries (counts are grouped in SQL,
never fetched row by row), so a year of data costs the same number of queries as a week.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from shapely.geometry import shape

from billing.models import Scorecard
from billing.selectors import DRIVER_DAYS_PER_WEEK, ROUTE_DAYS_PER_WEEK
from drivers.models import Driver
from dsps.models import Dsp, Station, Territory
from dsps.tenancy import scope_to_user
from fleet.models import Lease, VehicleOffer
from fleet.selectors import lease_in_force
from nextmile.dates import parse_day
from routes.models import Route, RouteStop, Stop

from . import fairness
from .forecast import Forecast, forecast
from .models import AllocationProposal, PeakLeaseOffer

HORIZON_DAYS = 56
HISTORY_WEEKS = 16
SERIES_DAYS = 28
JOBS_WINDOW_DAYS = 365
PALETTE = ["#0b6bcb", "#b25e00", "#1a7f37", "#8250df", "#bf3989", "#0a7d8c", "#6e7781", "#953800"]


def stops_per_route(station: Station) -> int:
    """The stops one van carries a day at `station`: the station's own figure in
    `NETWORK_STOPS_PER_ROUTE_BY_STATION` (by station code), else `PROGRAM_STOPS_PER_ROUTE`."""
    by_station = getattr(settings, "NETWORK_STOPS_PER_ROUTE_BY_STATION", {}) or {}
    return max(1, int(by_station.get(station.code, settings.PROGRAM_STOPS_PER_ROUTE)))


def station_choices(*, user) -> QuerySet[Station]:
    return scope_to_user(Station.objects.all(), user).order_by("code")


def pick_station(*, user, station_id) -> Station:
    """The station asked for (by id), or the first one; a bad id is a `station` error."""
    stations = station_choices(user=user)
    if station_id in (None, ""):
        station = stations.first()
        if station is None:
            raise ValidationError({"station": "No station exists yet."})
        return station
    try:
        return stations.get(pk=int(station_id))
    except (Station.DoesNotExist, TypeError, ValueError):
        raise ValidationError({"station": "Choose one of the stations."}) from None


def pick_date(station: Station, raw) -> date:
    return parse_day(raw) or station.today()


def _count(queryset: QuerySet, path: str = "dsp") -> Coalesce:
    grouped = (
        queryset.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(grouped, output_field=IntegerField()), Value(0))


def leased_on(day: date) -> Q:
    """Leases that put a van on the road on `day`."""
    return lease_in_force(day)


def _day_stops(station: Station, day: date) -> QuerySet[Stop]:
    return Stop.objects.filter(manifest__station=station, manifest__service_date=day)


@dataclass
class DspRow:
    dsp: Dsp
    colour: str
    routes: int
    stops: int
    vans: int
    capacity: int
    volume_share: float
    capacity_share: float
    tier: str
    dcr: float | None
    headcount: int
    jobs_created: int

    @property
    def tier_label(self) -> str:
        return self.tier.replace("_", " ").title() if self.tier else "No scorecard yet"


def dsp_rows(*, user, station: Station, day: date) -> list[DspRow]:
    """Per active DSP of the station: routes, stops, vans, capacity, shares, tier, people.

    Shares are of the station's totals; a DSP member's scope keeps only its own row.
    """
    spr = stops_per_route(station)
    latest = Scorecard.objects.filter(dsp=OuterRef("pk")).order_by("-week_start")
    dsps = (
        Dsp.objects.filter(station=station, status=Dsp.Status.ACTIVE)
        .annotate(
            n_routes=_count(Route.objects.filter(service_date=day)),
            n_stops=_count(_day_stops(station, day)),
            n_vans=_count(Lease.objects.filter(leased_on(day))),
            n_active=_count(Driver.objects.filter(status=Driver.Status.ACTIVE)),
            n_hired=_count(
                Driver.objects.filter(
                    hired_on__gt=day - timedelta(days=JOBS_WINDOW_DAYS), hired_on__lte=day
                )
            ),
            tier=Subquery(latest.values("tier")[:1]),
            dcr=Subquery(
                latest.annotate(v=Cast(KT("metrics__dcr__value"), FloatField())).values("v")[:1],
                output_field=FloatField(),
            ),
        )
        .order_by("name")
    )
    everyone = list(dsps)
    total_stops = sum(d.n_stops for d in everyone)
    total_capacity = sum(d.n_vans * spr for d in everyone)
    visible = set(
        scope_to_user(Dsp.objects.filter(station=station), user).values_list("pk", flat=True)
    )
    rows = []
    for i, d in enumerate(everyone):
        if d.pk not in visible:
            continue
        capacity = d.n_vans * spr
        rows.append(
            DspRow(
                dsp=d,
                colour=PALETTE[i % len(PALETTE)],
                routes=d.n_routes,
                stops=d.n_stops,
                vans=d.n_vans,
                capacity=capacity,
                volume_share=round(100 * d.n_stops / total_stops, 1) if total_stops else 0.0,
                capacity_share=round(100 * capacity / total_capacity, 1) if total_capacity else 0.0,
                tier=d.tier or "",
                dcr=round(d.dcr, 2) if d.dcr is not None else None,
                headcount=d.n_active,
                jobs_created=d.n_hired,
            )
        )
    return rows


def uncovered_stops(*, station: Station, day: date) -> QuerySet[Stop]:
    """Stops of the day no DSP serves (in no held territory and not allocated by hand)."""
    return _day_stops(station, day).filter(dsp__isnull=True).order_by("address", "id")


def territory_features(
    *, station: Station, rows: list[DspRow], colours: dict[int, str] | None = None
) -> dict:
    """The station's territories as GeoJSON, with holder, colour and the holder's last DCR."""
    by_dsp = {r.dsp.pk: r for r in rows}
    colours = {**(colours or {}), **{r.dsp.pk: r.colour for r in rows}}
    features = []
    for t in Territory.objects.filter(station=station).select_related("dsp").order_by("code"):
        row = by_dsp.get(t.dsp_id)
        features.append(
            {
                "type": "Feature",
                "geometry": t.boundary,
                "properties": {
                    "code": t.code,
                    "name": t.name,
                    "holder": t.dsp.name if t.dsp_id else "",
                    "colour": colours.get(t.dsp_id, "#b42318" if t.dsp_id is None else "#6e7781"),
                    "gap": t.dsp_id is None,
                    "dcr": row.dcr if row else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def unassigned_territories(*, station: Station) -> QuerySet[Territory]:
    return Territory.objects.filter(station=station, dsp__isnull=True).order_by("code")


def daily_series(*, station: Station, day: date, days: int = SERIES_DAYS) -> dict:
    """Stops and capacity (leased vans × stops per route) per day, `days` days up to `day`."""
    start = day - timedelta(days=days - 1)
    spr = stops_per_route(station)
    volume = dict(
        Stop.objects.filter(manifest__station=station, manifest__service_date__range=(start, day))
        .values_list("manifest__service_date")
        .annotate(n=Count("pk"))
        .values_list("manifest__service_date", "n")
    )
    leases = list(
        Lease.objects.filter(dsp__station=station, dsp__status=Dsp.Status.ACTIVE)
        .filter(Q(starts_on__lte=day))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .values_list("starts_on", "ends_on", "returned_on")
    )
    labels, stops, capacity = [], [], []
    for offset in range(days):
        d = start + timedelta(offset)
        vans = sum(
            1 for s, e, r in leases if s <= d and (e is None or e >= d) and (r is None or r > d)
        )
        labels.append(d.isoformat())
        stops.append(volume.get(d, 0))
        capacity.append(vans * spr)
    return {"labels": labels, "stops": stops, "capacity": capacity}


# --- Fair allocation -------------------------------------------------------------------------


def day_fingerprint(*, station: Station, day: date) -> str:
    """A digest of who holds each of the day's stops and which are on a route."""
    rows = (
        _day_stops(station, day)
        .annotate(on_route=Exists(RouteStop.objects.filter(stop=OuterRef("pk"))))
        .order_by("id")
        .values_list("id", "dsp_id", "on_route")
    )
    digest = hashlib.sha256()
    for stop_id, dsp_id, on_route in rows.iterator(chunk_size=5000):
        digest.update(f"{stop_id}:{dsp_id}:{int(on_route)};".encode())
    return digest.hexdigest()


def _centre(boundaries: list, station: Station) -> tuple[float, float]:
    points = []
    for boundary in boundaries:
        try:
            c = shape(boundary).centroid
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
        points.append((c.y, c.x))
    if not points:
        return float(station.latitude), float(station.longitude)
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def allocation_inputs(
    *, user, station: Station, day: date
) -> tuple[list[fairness.Carrier], list[fairness.StopPoint]]:
    """The carriers (active DSPs with capacity and tier) and the day's stops, for `propose`."""
    rows = dsp_rows(user=user, station=station, day=day)
    areas: dict[int, list] = {}
    for dsp_id, boundary in Territory.objects.filter(
        station=station, dsp__isnull=False
    ).values_list("dsp_id", "boundary"):
        areas.setdefault(dsp_id, []).append(boundary)
    carriers = [
        fairness.Carrier(
            dsp_id=r.dsp.pk,
            name=r.dsp.name,
            tier=r.tier or None,
            capacity=r.capacity,
            stops=r.stops,
            centre=_centre(areas.get(r.dsp.pk, []), station),
        )
        for r in rows
    ]
    stops = [
        fairness.StopPoint(
            id=s["id"],
            dsp_id=s["dsp_id"],
            lat=float(s["latitude"]),
            lon=float(s["longitude"]),
            address=s["address"],
            on_route=s["on_route"],
        )
        for s in _day_stops(station, day)
        .annotate(on_route=Exists(RouteStop.objects.filter(stop=OuterRef("pk"))))
        .order_by("id")
        .values("id", "dsp_id", "latitude", "longitude", "address", "on_route")
    ]
    return carriers, stops


def proposal_list(*, user, station: Station, day: date) -> QuerySet[AllocationProposal]:
    return scope_to_user(AllocationProposal.objects.all(), user).filter(
        station=station, service_date=day
    )


def proposal_colours(proposal: AllocationProposal) -> dict[int, str]:
    """The dashboard's colour of each DSP of the proposal (same order: active DSPs by name)."""
    return {
        row["dsp"]: PALETTE[i % len(PALETTE)]
        for i, row in enumerate(proposal.before.get("rows", []))
    }


def proposal_map(proposal: AllocationProposal) -> dict:
    """Moved stops as GeoJSON points coloured by the DSP that receives them."""
    colours = proposal_colours(proposal)
    names = {row["dsp"]: row["name"] for row in proposal.before.get("rows", [])}
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [m["lon"], m["lat"]]},
                "properties": {
                    "label": f"{m['address']} → {names.get(m['to'], m['to'])}",
                    "colour": colours.get(m["to"], "#111"),
                },
            }
            for m in proposal.moves
        ],
    }


def fairness_table(proposal: AllocationProposal) -> list[dict]:
    """Before and after, side by side, one row per DSP."""
    after = {row["dsp"]: row for row in proposal.after.get("rows", [])}
    moved_in: dict[int, int] = {}
    for m in proposal.moves:
        moved_in[m["to"]] = moved_in.get(m["to"], 0) + 1
    return [
        {**row, "after": after.get(row["dsp"], {}), "receives": moved_in.get(row["dsp"], 0)}
        for row in proposal.before.get("rows", [])
    ]


# --- Peak planning ---------------------------------------------------------------------------


@dataclass
class PeakDsp:
    dsp: Dsp
    vans: int
    drivers: int
    share: float
    extra_vans: int
    extra_drivers: int
    lease_cost: Decimal


@dataclass
class PeakPlan:
    station: Station
    stops_per_route: int
    forecast: Forecast
    weeks: list[dict]
    vans_needed: int
    drivers_needed: int
    vans_leased: int
    drivers_rostered: int
    extra_vans: int
    extra_drivers: int
    starts_on: date | None
    ends_on: date | None
    offer: VehicleOffer | None
    rows: list[PeakDsp]

    @property
    def total_cost(self) -> Decimal:
        return sum((r.lease_cost for r in self.rows), Decimal("0.00"))


def split(total: int, weights: list[float]) -> list[int]:
    """`total` in whole parts ∝ `weights` (largest remainder; ties to the earlier row)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [math.floor(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def drivers_for(vans: int) -> int:
    return math.ceil(vans * ROUTE_DAYS_PER_WEEK / DRIVER_DAYS_PER_WEEK)


def volume_history(*, station: Station, until: date, weeks: int = HISTORY_WEEKS) -> dict:
    start = until - timedelta(days=7 * weeks)
    return dict(
        Stop.objects.filter(manifest__station=station, manifest__service_date__range=(start, until))
        .values_list("manifest__service_date")
        .annotate(n=Count("pk"))
        .values_list("manifest__service_date", "n")
    )


def peak_offer_for_vans() -> VehicleOffer | None:
    """The catalogue van peak leases are priced at: the cheapest active offer."""
    offers = [o for o in VehicleOffer.objects.filter(is_active=True).order_by("name")]
    return min(offers, key=lambda o: (o.rate_after_discount, o.name), default=None)


def peak_plan(*, user, station: Station, today: date | None = None) -> PeakPlan:
    """The next eight weeks' daily stops and what they need against what the DSPs have now."""
    today = today or station.today()
    spr = stops_per_route(station)
    history = volume_history(station=station, until=today)
    fc = forecast(history, start=today + timedelta(days=1), days=HORIZON_DAYS)
    rows = dsp_rows(user=user, station=station, day=today)
    vans_now = sum(r.vans for r in rows)
    drivers_now = sum(r.headcount for r in rows)
    weeks, short_days = [], []
    for w in range(HORIZON_DAYS // 7):
        chunk = fc.days[7 * w : 7 * w + 7]
        peak = max(v for _, v in chunk)
        vans = math.ceil(peak / spr)
        weeks.append(
            {
                "starts_on": chunk[0][0],
                "average": round(sum(v for _, v in chunk) / 7),
                "peak": peak,
                "vans": vans,
                "drivers": drivers_for(vans),
                "van_gap": max(0, vans - vans_now),
            }
        )
        short_days += [d for d, v in chunk if math.ceil(v / spr) > vans_now]
    peak_vans = max((w["vans"] for w in weeks), default=0)
    extra_vans = max(0, peak_vans - vans_now)
    extra_drivers = max(0, drivers_for(peak_vans) - drivers_now)
    starts_on = min(short_days, default=None)
    ends_on = max(short_days, default=None)
    offer = peak_offer_for_vans()
    weights = [float(r.vans) for r in rows]
    van_parts = split(extra_vans, weights)
    driver_parts = split(extra_drivers, weights)
    days = (ends_on - starts_on).days + 1 if starts_on else 0
    rate = offer.rate_after_discount if offer else Decimal("0")
    total_vans = sum(weights)
    peak_rows = [
        PeakDsp(
            dsp=r.dsp,
            vans=r.vans,
            drivers=r.headcount,
            share=round(100 * r.vans / total_vans, 1) if total_vans else 0.0,
            extra_vans=v,
            extra_drivers=d,
            lease_cost=(Decimal(v) * rate * days / 30).quantize(Decimal("0.01"), ROUND_HALF_UP),
        )
        for r, v, d in zip(rows, van_parts, driver_parts, strict=True)
    ]
    return PeakPlan(
        station=station,
        stops_per_route=spr,
        forecast=fc,
        weeks=weeks,
        vans_needed=peak_vans,
        drivers_needed=drivers_for(peak_vans),
        vans_leased=vans_now,
        drivers_rostered=drivers_now,
        extra_vans=extra_vans,
        extra_drivers=extra_drivers,
        starts_on=starts_on,
        ends_on=ends_on,
        offer=offer,
        rows=peak_rows,
    )


def peak_offer_list(
    *, user, station: Station | None = None, on: date | None = None
) -> QuerySet[PeakLeaseOffer]:
    """Peak lease offers the user may see (staff: all; a DSP's managers: their own), of one
    station and not over by `on` when given."""
    offers = scope_to_user(PeakLeaseOffer.objects.all(), user).select_related(
        "dsp", "vehicle_offer"
    )
    if station is not None:
        offers = offers.filter(dsp__station=station)
    if on is not None:
        offers = offers.filter(ends_on__gte=on)
    return offers


def peak_offers_open(*, user, on: date) -> list[dict]:
    """Offers not yet over, each with the peak vans the DSP has leased for its window so far
    (a peak lease counts from a month before the window opens)."""
    offers = list(peak_offer_list(user=user, on=on))
    if not offers:
        return []
    lead = timedelta(days=31)
    window = (min(o.starts_on for o in offers) - lead, max(o.ends_on for o in offers))
    peak_leases = list(
        scope_to_user(Lease.objects.filter(is_peak=True), user)
        .filter(starts_on__range=window)
        .values_list("dsp_id", "starts_on")
    )
    out = []
    for o in offers:
        leased = sum(
            1
            for dsp_id, starts in peak_leases
            if dsp_id == o.dsp_id and o.starts_on - lead <= starts <= o.ends_on
        )
        out.append({"offer": o, "leased": leased, "left": max(0, o.vans - leased)})
    return out
