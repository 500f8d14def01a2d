"""Billing demo: rates and thresholds at the station, and Lone Star's last six weeks of
delivery (the only past weeks of the demo, as many as the owner's finances page shows), their
scorecards and statements — older weeks approved (the oldest paid), the latest a draft — and
one open dispute.

The weeks are staffed as a DSP staffs them: active drivers only, each working five days a week
at most (a rota with two days off), so the P&L pays the overtime a real week pays.

Deterministic: a fixed pseudo-random sequence, and nothing is added once the weeks exist.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from billing.models import (
    Dispute,
    FinanceSettings,
    IncentiveRate,
    PeakPeriod,
    RateCard,
    Statement,
    ThresholdSet,
)
from billing.scorecards.metrics import DEFAULT_THRESHOLDS, DEFAULT_WEIGHTS
from billing.services import statement_approve, statement_generate, statement_mark_paid
from drivers.models import Driver, SafetyIncident
from dsps.calendar import last_closed_week
from dsps.models import Membership, Role
from fleet.models import Inspection, Vehicle
from nextmile.calendar import week_start_of
from routes.models import CustomerFeedback, DeliveryEvent, Manifest, Package, Route, ShiftPunch

WEEKS = 6
ROUTES_PER_DAY = 18
SUNDAY_ROUTES = 12  # quiet Sundays
DAYS_PER_WEEK = 5  # a driver's working days in a program week
PACKAGES_PER_ROUTE = 30
# What Lone Star passes on to its drivers per delivered package, by their own weekly tier.
DEMO_INCENTIVES = {
    "fantastic_plus": Decimal("0.05"),
    "fantastic": Decimal("0.03"),
    "great": Decimal("0.01"),
}
FAIL_REASONS = ["recipient_unavailable", "no_access", "business_closed", "cannot_locate"]


def seed(world: dict) -> None:
    dsp = world["active_dsp"]
    station = dsp.station
    first_week = last_closed_week(station) - timedelta(days=7 * (WEEKS - 1))
    RateCard.objects.get_or_create(
        station=station,
        effective_from=first_week - timedelta(days=56),
        defaults={
            "route_fee": Decimal("260.00"),
            "long_route_fee": Decimal("300.00"),
            "long_route_hours": Decimal("10.0"),
            "package_rate": Decimal("0.6000"),
            "van_weekly_fee": Decimal("150.00"),
            "incentive_per_package": {
                "fantastic_plus": "0.10",
                "fantastic": "0.06",
                "great": "0.02",
                "fair": "0.01",
            },
            "growth_route_pay": Decimal("40.00"),
            "onboarding_pay": Decimal("400.00"),
            "service_failure_chargeback": Decimal("25.00"),
            "uncovered_route_chargeback": Decimal("300.00"),
            "late_cancellation_chargeback": Decimal("150.00"),
        },
    )
    if not PeakPeriod.objects.filter(station=station).exists():
        # Upcoming, so the owner's cash-flow projection shows peak pay coming in.
        starts = week_start_of(station.today()) + timedelta(days=7)
        PeakPeriod.objects.create(
            station=station,
            name="Holiday peak",
            starts_on=starts,
            ends_on=starts + timedelta(days=34),
            per_route=Decimal("25.00"),
            per_package=Decimal("0.05"),
        )
    ThresholdSet.objects.get_or_create(
        station=station,
        week_start=first_week - timedelta(days=56),
        defaults={"thresholds": DEFAULT_THRESHOLDS, "weights": DEFAULT_WEIGHTS},
    )
    FinanceSettings.objects.get_or_create(
        dsp=dsp,
        defaults={"cash_on_hand": Decimal("42000.00"), "reserve_threshold": Decimal("30000.00")},
    )
    for tier, per_package in DEMO_INCENTIVES.items():
        IncentiveRate.objects.get_or_create(
            dsp=dsp, tier=tier, defaults={"per_package": per_package}
        )
    if not Route.objects.filter(dsp=dsp, service_date=first_week, code__startswith="H").exists():
        _history(dsp, first_week)
        _missed_routes(dsp, first_week + timedelta(days=7 * (WEEKS - 1) + 3))
    weeks = [first_week + timedelta(days=7 * i) for i in range(WEEKS)]
    staff = Membership.objects.filter(role=Role.PROGRAM_STAFF).select_related("user").first()
    for n, week in enumerate(weeks):
        statement = Statement.objects.filter(dsp=dsp, week_start=week).first()
        if statement is None or statement.is_draft:
            statement = statement_generate(dsp=dsp, week_start=week)
            if n < WEEKS - 1 and staff:
                statement = statement_approve(statement=statement, by=staff.user)
            if n == 0 and staff:
                statement_mark_paid(statement=statement)
    disputed = Statement.objects.filter(dsp=dsp, week_start=weeks[-2]).first()
    owner = Membership.objects.filter(dsp=dsp, role=Role.OWNER).select_related("user").first()
    if disputed and owner and not disputed.is_draft:
        line = disputed.lines.filter(kind="routes").first()
        if line and not Dispute.objects.filter(line=line).exists():
            Dispute.objects.create(
                line=line,
                opened_by=owner.user,
                amount=line.rate,
                message="Route H07 on Tuesday ran to the end; it is missing from this line.",
            )


def _missed_routes(dsp, day) -> None:
    """Two planned routes of the latest week that did not go out: one nobody covered, one given
    back an hour before departure; the draft statement charges both back."""
    tz = ZoneInfo(dsp.station.timezone)
    departs = datetime.combine(day, time(8, 30), tzinfo=tz)
    for code, unassigned_at in (("U01", None), ("U02", departs - timedelta(hours=1))):
        Route.objects.create(
            dsp=dsp,
            station=dsp.station,
            service_date=day,
            code=code,
            planned_stops=PACKAGES_PER_ROUTE,
            planned_km=Decimal("90.0"),
            departs_at=departs,
            returns_at=departs + timedelta(hours=9),
            unassigned_at=unassigned_at,
        )


def _rota(drivers: list, day, busy: int, worked: dict) -> list:
    """The `busy` drivers of `day`: those with the fewest days worked this week, in a turn that
    moves on each day, never past `DAYS_PER_WEEK`."""
    n = len(drivers)
    free = [
        (worked[d.pk], (k - day.toordinal()) % n, d)
        for k, d in enumerate(drivers)
        if worked[d.pk] < DAYS_PER_WEEK
    ]
    chosen = [d for _, _, d in sorted(free, key=lambda t: t[:2])[:busy]]
    for d in chosen:
        worked[d.pk] += 1
    return chosen


def _history(dsp, first_week) -> None:
    """18 routes a day (12 on Sundays, 3 fewer a day in week three) for six weeks, with their
    packages, events, punches and inspections."""
    rng = random.Random(8)
    station = dsp.station
    tz = ZoneInfo(station.timezone)
    drivers = list(Driver.objects.filter(dsp=dsp, status=Driver.Status.ACTIVE).order_by("id"))
    vans = list(Vehicle.objects.filter(dsp=dsp).order_by("id"))
    if not drivers or not vans:
        return
    inspector = get_user_model().objects.filter(membership__dsp=dsp).order_by("id").first()
    per_day = min(ROUTES_PER_DAY, len(drivers), len(vans))
    routes, packages_by_route = [], {}
    days = [first_week + timedelta(days=d) for d in range(7 * WEEKS)]
    worked: dict[int, int] = {}
    for day in days:
        if (day - first_week).days % 7 == 0:
            worked = dict.fromkeys((d.pk for d in drivers), 0)
        manifest, _ = Manifest.objects.get_or_create(
            station=station, service_date=day, defaults={"source": "demo history"}
        )
        # A dip in week three so the trend and the cash flow have something to show.
        busy = min(per_day, SUNDAY_ROUTES) if day.weekday() == 6 else per_day
        busy -= 3 if (day - first_week).days // 7 == 2 else 0
        for i, driver in enumerate(_rota(drivers, day, busy, worked)):
            van = vans[i % len(vans)]
            start = datetime.combine(day, time(8, 30), tzinfo=tz)
            distance_m = rng.randint(80_000, 120_000)
            routes.append(
                Route(
                    dsp=dsp,
                    station=station,
                    service_date=day,
                    code=f"H{i + 1:02d}",
                    driver=driver,
                    vehicle=van,
                    status=Route.Status.COMPLETED,
                    planned_stops=PACKAGES_PER_ROUTE,
                    planned_km=(Decimal(distance_m) / 1000).quantize(Decimal("0.1")),
                    distance_m=distance_m,
                    drive_s=rng.randint(14_000, 19_000),
                    service_s=PACKAGES_PER_ROUTE * 300,
                    departs_at=start,
                    returns_at=start + timedelta(hours=9),
                )
            )
            packages_by_route[(day, i)] = [
                Package(
                    manifest=manifest,
                    dsp=dsp,
                    tracking_id=f"H{day:%m%d}{i:02d}{k:03d}",
                    recipient_name="Demo recipient",
                    address=f"{100 + k} Elm St, Dallas, TX",
                    latitude=Decimal("32.780000") + Decimal(k) / 10000,
                    longitude=Decimal("-96.800000") + Decimal(i) / 1000,
                    window_start=time(9) if k % 5 == 0 else None,
                    window_end=time(12) if k % 5 == 0 else None,
                )
                for k in range(PACKAGES_PER_ROUTE)
            ]
    Route.objects.bulk_create(routes)
    Package.objects.bulk_create([p for ps in packages_by_route.values() for p in ps])
    events, punches, feedback, inspections, incidents = [], [], [], [], []
    inspected = set()
    odometer = {van.pk: van.odometer_km or 20_000 for van in vans}
    history = Route.objects.filter(dsp=dsp, code__startswith="H", service_date__in=days)
    for route in history.order_by("service_date", "code"):
        i = int(route.code[1:]) - 1
        start = route.departs_at
        for k, package in enumerate(packages_by_route[(route.service_date, i)]):
            at = start + timedelta(minutes=10 + 15 * k)
            roll = rng.random()
            kind = DeliveryEvent.Kind.FAILED if roll < 0.012 else DeliveryEvent.Kind.DELIVERED
            photo = (
                DeliveryEvent.PhotoReview.ACCEPTED
                if rng.random() < 0.975
                else DeliveryEvent.PhotoReview.NONE
            )
            events.append(
                DeliveryEvent(
                    route=route,
                    package=package,
                    driver=route.driver,
                    kind=kind,
                    reason=rng.choice(FAIL_REASONS) if kind == DeliveryEvent.Kind.FAILED else "",
                    delivered_to="safe_place" if kind == DeliveryEvent.Kind.DELIVERED else "",
                    photo_review=photo if kind == DeliveryEvent.Kind.DELIVERED else "none",
                    within_window=(rng.random() < 0.97) if package.window_start else None,
                    occurred_at=at,
                    idempotency_key=f"demo-h-{package.tracking_id}",
                )
            )
            if kind == DeliveryEvent.Kind.DELIVERED and rng.random() < 0.004:
                feedback.append(
                    CustomerFeedback(
                        package=package,
                        received_at=at + timedelta(days=1),
                        kind=rng.choice(["negative", "not_received", "negative"]),
                    )
                )
        # The odometer read at clock-in and clock-out: the plan's distance plus the detours
        # and wrong turns of a real day (2 to 9 % more).
        read_in = odometer[route.vehicle_id]
        odometer[route.vehicle_id] += round(route.distance_m / 1000 * rng.uniform(1.02, 1.09))
        for kind, offset, reading in (
            ("clock_in", -30, read_in),
            ("break_start", 240, None),
            ("break_end", 270, None),
            ("clock_out", 510 + rng.randint(-20, 30), odometer[route.vehicle_id]),
        ):
            punches.append(
                ShiftPunch(
                    driver=route.driver,
                    route=route,
                    kind=kind,
                    at=start + timedelta(minutes=offset),
                    odometer_km=reading,
                    idempotency_key=f"demo-h-{route.pk}-{kind}",
                )
            )
        key = (route.vehicle_id, route.service_date)
        if key not in inspected and inspector and rng.random() < 0.985:
            inspected.add(key)
            inspections.append(
                Inspection(
                    vehicle=route.vehicle,
                    inspector=inspector,
                    inspected_on=route.service_date,
                    odometer_km=read_in,
                    result=Inspection.Result.PASS,
                )
            )
        if rng.random() < 0.015:
            incidents.append(
                SafetyIncident(
                    driver=route.driver,
                    kind=rng.choice(["speeding", "harsh_braking", "seatbelt"]),
                    occurred_at=start + timedelta(hours=3),
                    route_ref=route.code,
                )
            )
    DeliveryEvent.objects.bulk_create(events, batch_size=2000)
    ShiftPunch.objects.bulk_create(punches, batch_size=2000)
    for pk, km in odometer.items():  # the vans' odometers as their last clock-out left them
        Vehicle.objects.filter(pk=pk, odometer_km__lt=km).update(odometer_km=km)
    CustomerFeedback.objects.bulk_create(feedback)
    Inspection.objects.bulk_create(inspections)
    SafetyIncident.objects.bulk_create(incidents)
