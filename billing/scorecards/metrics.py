"""Weekly scorecard metrics, derived from the day-of-delivery events (reads only).

A program week runs seven station days from the weekday `BILLING_WEEK_START_WEEKDAY`. Routes
carry the station's date, so a route belongs to the week its `service_date` falls in; safety
incidents are placed by their time in the station's timezone.

Contact compliance (CC) is left out: no contact attempts are recorded anywhere yet.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from billing.models import TIER_ORDER, ThresholdSet, Tier
from drivers.models import SafetyIncident
from dsps.models import Dsp, Station
from fleet.models import Inspection
from nextmile.calendar import week_end_of
from routes.models import CustomerFeedback, DeliveryEvent, Route
from routes.selectors import DELIVERED, hours_of, package_state_of, worked_by_route_driver


@dataclass(frozen=True)
class MetricSpec:
    key: str
    label: str
    higher_is_better: bool
    unit: str  # "%", "DPMO" or "per 100 routes"


METRICS = [
    MetricSpec("dcr", "Delivery completion rate", True, "%"),
    MetricSpec("dnr_dpmo", "Delivered, not received", False, "DPMO"),
    MetricSpec("pod", "Photo on delivery", True, "%"),
    MetricSpec("cdf_dpmo", "Negative customer feedback", False, "DPMO"),
    MetricSpec("within_window", "Delivered within window", True, "%"),
    MetricSpec("safety", "Safety events", False, "per 100 routes"),
    MetricSpec("inspections", "Inspection compliance", True, "%"),
]
SPECS = {m.key: m for m in METRICS}

DEFAULT_THRESHOLDS = {
    "dcr": [99.8, 99.5, 99.0, 98.0],
    "dnr_dpmo": [500, 1100, 1500, 2500],
    "pod": [99.0, 97.0, 95.0, 90.0],
    "cdf_dpmo": [1500, 3700, 5000, 7500],
    "within_window": [99.0, 98.0, 96.0, 93.0],
    "safety": [0.5, 2.0, 4.0, 8.0],
    "inspections": [100.0, 99.0, 97.0, 95.0],
}
DEFAULT_WEIGHTS = {key: 1 for key in DEFAULT_THRESHOLDS}


def week_bounds(station: Station, week_start: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(station.timezone)
    start = datetime.combine(week_start, time.min, tzinfo=tz)
    return start, start + timedelta(days=7)


def thresholds_for(station: Station, week_start: date) -> ThresholdSet:
    """The thresholds in force at `station` for the week (program defaults if none set)."""
    found = (
        ThresholdSet.objects.filter(station=station, week_start__lte=week_start)
        .order_by("-week_start")
        .first()
    )
    return found or ThresholdSet(
        station=station,
        week_start=week_start,
        thresholds=DEFAULT_THRESHOLDS,
        weights=DEFAULT_WEIGHTS,
        escalation_cap=Tier.GREAT,
    )


def tier_for(spec: MetricSpec, value: float | None, bounds: list) -> str | None:
    if value is None:
        return None
    for tier, bound in zip(TIER_ORDER, bounds, strict=False):
        if (value >= bound) if spec.higher_is_better else (value <= bound):
            return tier
    return Tier.POOR.value


@dataclass
class Week:
    """The records behind one DSP's (or one driver's) week."""

    routes: list[Route]
    dispatched: set[int]
    delivered: list[DeliveryEvent]
    failed: list[DeliveryEvent]
    feedback: list[CustomerFeedback]
    incidents: list[SafetyIncident]
    inspected_routes: set[int]
    events_by_package: dict = field(default_factory=dict)


def week_records(*, dsp: Dsp, week_start: date, driver_id: int | None = None) -> Week:
    end = week_end_of(week_start)
    routes = Route.objects.filter(dsp=dsp, service_date__range=(week_start, end)).exclude(
        status=Route.Status.DRAFT
    )
    if driver_id:
        routes = routes.filter(driver_id=driver_id)
    routes = list(routes.select_related("driver", "vehicle").order_by("service_date", "code"))
    route_ids = [r.id for r in routes]
    events = list(
        DeliveryEvent.objects.filter(route_id__in=route_ids)
        .select_related("route", "package", "driver")
        .order_by("occurred_at", "id")
    )
    kinds: dict[int, list[str]] = defaultdict(list)
    for e in events:
        kinds[e.package_id].append(e.kind)
    dispatched = set(kinds)
    # the package's state by routes' one rule; each delivery event counts, as before
    delivered_ids = {p for p, k in kinds.items() if package_state_of(k) == DELIVERED}
    delivered = [e for e in events if e.kind == DeliveryEvent.Kind.DELIVERED]
    final_failed: dict[int, DeliveryEvent] = {}
    for e in events:
        if e.kind == DeliveryEvent.Kind.FAILED and e.package_id not in delivered_ids:
            final_failed[e.package_id] = e
    feedback = list(
        CustomerFeedback.objects.filter(package_id__in=delivered_ids).select_related("package")
    )
    start_at, end_at = week_bounds(dsp.station, week_start)
    incidents = SafetyIncident.objects.filter(
        driver__dsp=dsp, occurred_at__gte=start_at, occurred_at__lt=end_at
    ).exclude(kind=SafetyIncident.Kind.CUSTOMER_COMPLAINT)
    if driver_id:
        incidents = incidents.filter(driver_id=driver_id)
    passing = set(
        Inspection.objects.filter(
            vehicle_id__in={r.vehicle_id for r in routes if r.vehicle_id},
            inspected_on__range=(week_start, end),
            result__in=Inspection.PASSING,
        ).values_list("vehicle_id", "inspected_on")
    )
    inspected = {r.id for r in routes if (r.vehicle_id, r.service_date) in passing}
    return Week(
        routes=routes,
        dispatched=dispatched,
        delivered=delivered,
        failed=list(final_failed.values()),
        feedback=feedback,
        incidents=list(incidents.select_related("driver").order_by("occurred_at")),
        inspected_routes=inspected,
    )


def _ratio(numerator: int, denominator: int, scale: int) -> float | None:
    if not denominator:
        return None
    return round(numerator * scale / denominator, 2)


def compute_metrics(week: Week) -> dict:
    """Every metric's value, numerator and denominator (value None when nothing to measure)."""
    delivered = len(week.delivered)
    not_received = sum(1 for f in week.feedback if f.kind == CustomerFeedback.Kind.NOT_RECEIVED)
    negative = sum(
        1
        for f in week.feedback
        if f.kind in (CustomerFeedback.Kind.NEGATIVE, CustomerFeedback.Kind.ESCALATION)
    )
    photos = sum(1 for e in week.delivered if e.photo_review == DeliveryEvent.PhotoReview.ACCEPTED)
    windowed = [e for e in week.delivered if e.within_window is not None]
    on_time = sum(1 for e in windowed if e.within_window)
    routes = len(week.routes)
    counts = {
        "dcr": (delivered, len(week.dispatched), 100),
        "dnr_dpmo": (not_received, delivered, 1_000_000),
        "pod": (photos, delivered, 100),
        "cdf_dpmo": (negative, delivered, 1_000_000),
        "within_window": (on_time, len(windowed), 100),
        "safety": (len(week.incidents), routes, 100),
        "inspections": (len(week.inspected_routes), routes, 100),
    }
    return {
        key: {"value": _ratio(n, d, scale), "numerator": n, "denominator": d}
        for key, (n, d, scale) in counts.items()
    }


def grade(metrics: dict, thresholds: ThresholdSet, escalations: int) -> tuple[str, bool]:
    """Tier every metric in place; the overall tier is the worst weighted one, capped after an
    escalation. Returns (overall tier, capped)."""
    worst = 0
    for key, row in metrics.items():
        spec = SPECS[key]
        row["tier"] = tier_for(spec, row["value"], thresholds.thresholds.get(key, []))
        row["weight"] = thresholds.weights.get(key, 0)
        if row["tier"] and row["weight"]:
            worst = max(worst, TIER_ORDER.index(row["tier"]))
    capped = False
    if escalations:
        cap = TIER_ORDER.index(thresholds.escalation_cap)
        if cap > worst:
            worst, capped = cap, True
    return TIER_ORDER[worst], capped


def failed_by_reason(week: Week) -> dict[str, int]:
    return dict(sorted(Counter(e.reason or "unknown" for e in week.failed).items()))


def worked_hours(*, dsp: Dsp, week_start: date, driver_id: int | None = None) -> Decimal:
    """Hours the DSP's drivers (or one driver) worked on the DSP's routes of the week, by the
    one hours rule, as pay and the P&L count them (a shift still open counts up to now)."""
    route_ids = Route.objects.filter(
        dsp=dsp, service_date__range=(week_start, week_end_of(week_start))
    ).values_list("id", flat=True)
    worked = worked_by_route_driver(route_ids=route_ids, until=timezone.now())
    return hours_of(
        sum(
            (time for (_route, driver), time in worked.items() if driver_id in (None, driver)),
            timedelta(0),
        )
    )


def scorecard_compute(*, dsp: Dsp, week_start: date, driver_id: int | None = None) -> dict:
    """The scorecard of a DSP (or one of its drivers) for the week: metrics, tiers, overall."""
    week = week_records(dsp=dsp, week_start=week_start, driver_id=driver_id)
    metrics = compute_metrics(week)
    escalations = sum(1 for f in week.feedback if f.kind == CustomerFeedback.Kind.ESCALATION)
    tier, capped = grade(metrics, thresholds_for(dsp.station, week_start), escalations)
    return {
        "metrics": metrics,
        "tier": tier,
        "tier_label": Tier(tier).label,
        "capped": capped,
        "routes": len(week.routes),
        "delivered": len(week.delivered),
        "hours": worked_hours(dsp=dsp, week_start=week_start, driver_id=driver_id),
        "failed_by_reason": failed_by_reason(week),
        "week": week,
    }


def metric_records(week: Week, key: str) -> list[dict]:
    """The records behind a metric's shortfall: what a DSP would dispute."""
    rows: list[dict] = []
    if key == "dcr":
        delivered = {e.package_id for e in week.delivered}
        for e in week.failed:
            rows.append(_event_row(e, e.get_reason_display() or "Not delivered"))
        seen = {e.package_id for e in week.failed} | delivered
        missing = week.dispatched - seen
        if missing:
            for e in (
                DeliveryEvent.objects.filter(route__in=week.routes, package_id__in=missing)
                .select_related("route", "package", "driver")
                .order_by("package_id", "id")
            ):
                if e.package_id in missing:
                    rows.append(_event_row(e, e.get_kind_display()))
                    missing.discard(e.package_id)
    elif key == "pod":
        rows = [
            _event_row(e, e.get_photo_review_display())
            for e in week.delivered
            if e.photo_review != DeliveryEvent.PhotoReview.ACCEPTED
        ]
    elif key == "within_window":
        rows = [_event_row(e, "Outside window") for e in week.delivered if e.within_window is False]
    elif key in ("dnr_dpmo", "cdf_dpmo"):
        kinds = (
            [CustomerFeedback.Kind.NOT_RECEIVED]
            if key == "dnr_dpmo"
            else [CustomerFeedback.Kind.NEGATIVE, CustomerFeedback.Kind.ESCALATION]
        )
        by_package = {e.package_id: e for e in week.delivered}
        for f in week.feedback:
            if f.kind in kinds:
                e = by_package[f.package_id]
                rows.append(_event_row(e, f"{f.get_kind_display()}: {f.comment}".strip(": ")))
    elif key == "safety":
        rows = [
            {
                "route": i.route_ref,
                "route_id": None,
                "driver": str(i.driver),
                "driver_id": i.driver_id,
                "package": "",
                "when": i.occurred_at,
                "detail": f"{i.get_kind_display()} ({i.get_severity_display()})",
            }
            for i in week.incidents
        ]
    elif key == "inspections":
        rows = [
            {
                "route": r.code,
                "route_id": r.id,
                "driver": str(r.driver) if r.driver else "",
                "driver_id": r.driver_id,
                "package": "",
                "when": r.service_date,
                "detail": f"No passing inspection of {r.vehicle.plate}" if r.vehicle else "No van",
            }
            for r in week.routes
            if r.id not in week.inspected_routes
        ]
    return rows


def _event_row(e: DeliveryEvent, detail: str) -> dict:
    return {
        "route": e.route.code,
        "route_id": e.route_id,
        "driver": str(e.driver) if e.driver else "",
        "driver_id": e.driver_id,
        "package": e.package.tracking_id,
        "when": e.occurred_at,
        "detail": detail,
    }


def hurting_metrics(card: dict, limit: int = 3) -> list[dict]:
    """The metrics that cost the most tier (worst tier first, then heaviest weight), each with
    the routes and drivers behind its shortfall."""
    ranked = [
        (key, row)
        for key, row in card["metrics"].items()
        if row.get("tier") and row["tier"] != Tier.FANTASTIC_PLUS and row.get("weight")
    ]
    ranked.sort(key=lambda kv: (-TIER_ORDER.index(kv[1]["tier"]), -kv[1]["weight"], kv[0]))
    out = []
    for key, row in ranked[:limit]:
        records = metric_records(card["week"], key)
        out.append(
            {
                "key": key,
                "label": SPECS[key].label,
                "tier": row["tier"],
                "tier_label": Tier(row["tier"]).label,
                "value": row["value"],
                "routes": sorted({r["route"] for r in records if r["route"]}),
                "drivers": sorted({r["driver"] for r in records if r["driver"]}),
            }
        )
    return out


def threshold_errors(thresholds: dict, weights: dict) -> dict[str, str]:
    """Field errors for thresholds out of order or unknown metrics (empty when valid)."""
    errors = {}
    for key, bounds in thresholds.items():
        spec = SPECS.get(key)
        if spec is None:
            errors["thresholds"] = f"Unknown metric {key!r}."
            continue
        if len(bounds) != 4 or not all(isinstance(b, int | float) for b in bounds):
            errors["thresholds"] = f"{spec.label}: give four numbers, Fantastic Plus to Fair."
            continue
        ordered = all(
            (a >= b) if spec.higher_is_better else (a <= b) for a, b in itertools.pairwise(bounds)
        )
        if not ordered:
            direction = "highest" if spec.higher_is_better else "lowest"
            errors["thresholds"] = (
                f"{spec.label}: thresholds are out of order; Fantastic Plus must be the "
                f"{direction}, then Fantastic, Great and Fair."
            )
    for key, weight in weights.items():
        if key not in SPECS or not isinstance(weight, int | float) or weight < 0:
            errors["weights"] = f"Weight of {key!r} must be a number of at least 0."
    return errors
