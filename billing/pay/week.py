"""Pay transparency for drivers: a driver's week (hours from punches, routes, stops, wages with
overtime, the incentive their DSP passes on), the DSP's incentive table and pay questions.

Hours and wages come from `selectors.driver_hours` (the same figures as the P&L), the tier
from the driver's scorecard (`scorecards.scorecard_compute`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, Q, QuerySet
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from billing.models import TIER_ORDER, IncentiveRate, PayDiscrepancy, Tier
from billing.scorecards.metrics import scorecard_compute
from billing.selectors import driver_hours
from drivers.models import Driver
from dsps.models import Dsp
from dsps.tenancy import scope_to_user
from nextmile.calendar import week_days, week_end_of, week_start_of
from nextmile.dates import parse_day
from nextmile.money import cents
from routes.models import DeliveryEvent, Route
from routes.selectors import hours_of, worked_by_route_driver

MAX_INCENTIVE_PER_PACKAGE = Decimal("5.00")


@dataclass(frozen=True)
class PayRoute:
    id: int
    code: str
    status: str
    stops: int
    delivered: int
    hours: Decimal

    def to_json(self) -> dict:
        return {**asdict(self), "hours": str(self.hours)}

    @classmethod
    def from_json(cls, data: dict) -> PayRoute:
        return cls(**{**data, "hours": Decimal(data["hours"])})


@dataclass(frozen=True)
class PayDay:
    date: date
    routes: list[PayRoute]
    hours: Decimal

    def to_json(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "routes": [r.to_json() for r in self.routes],
            "hours": str(self.hours),
        }

    @classmethod
    def from_json(cls, data: dict) -> PayDay:
        return cls(
            date=date.fromisoformat(data["date"]),
            routes=[PayRoute.from_json(r) for r in data["routes"]],
            hours=Decimal(data["hours"]),
        )


_WEEK_DECIMALS = (
    "hours",
    "regular_hours",
    "overtime_hours",
    "overtime_multiplier",
    "rate",
    "wages",
    "incentive_per_package",
    "incentive",
    "total",
)


@dataclass(frozen=True)
class PayWeek:
    """One driver's week as pay shows it (the template and the API word it)."""

    driver: Driver
    week_start: date
    week_end: date
    days: list[PayDay]
    routes: int
    stops: int
    delivered: int
    hours: Decimal
    regular_hours: Decimal
    overtime_hours: Decimal
    overtime_multiplier: Decimal
    rate: Decimal
    wages: Decimal
    tier: str
    tier_label: str
    incentive_per_package: Decimal
    incentive: Decimal
    total: Decimal
    discrepancies: list = field(default_factory=list)

    def to_json(self) -> dict:
        """Plain JSON: the driver and their questions by id, dates ISO, amounts as strings."""
        out = {
            "driver": self.driver.pk,
            "week_start": self.week_start.isoformat(),
            "week_end": self.week_end.isoformat(),
            "days": [d.to_json() for d in self.days],
            "routes": self.routes,
            "stops": self.stops,
            "delivered": self.delivered,
            "tier": self.tier,
            "tier_label": self.tier_label,
            "discrepancies": [q.pk for q in self.discrepancies],
        }
        out.update({name: str(getattr(self, name)) for name in _WEEK_DECIMALS})
        return out

    @classmethod
    def from_json(cls, data: dict) -> PayWeek:
        """The week back from `to_json`, its driver and questions read again by id."""
        values = {
            **data,
            "driver": Driver.objects.get(pk=data["driver"]),
            "week_start": date.fromisoformat(data["week_start"]),
            "week_end": date.fromisoformat(data["week_end"]),
            "days": [PayDay.from_json(d) for d in data["days"]],
            "discrepancies": list(
                PayDiscrepancy.objects.filter(pk__in=data["discrepancies"]).select_related("route")
            ),
        }
        values.update({name: Decimal(data[name]) for name in _WEEK_DECIMALS})
        return cls(**values)


def pay_week_start(value: str | None, *, today: date) -> date:
    """The program week holding `value` (YYYY-MM-DD), or this week when it is missing or bad."""
    return week_start_of(parse_day(value, field="week", default=today))


# --- Reads ----------------------------------------------------------------------------------


def incentive_table(*, dsp: Dsp) -> list[dict]:
    """Every tier, best first, with what the DSP passes on per delivered package (0 if unset)."""
    rates = {r.tier: r.per_package for r in IncentiveRate.objects.filter(dsp=dsp)}
    return [
        {"tier": t.value, "label": t.label, "per_package": rates.get(t.value, Decimal("0.0000"))}
        for t in Tier
    ]


def pay_week(*, driver: Driver, week_start: date) -> PayWeek:
    """One driver's week: days with routes, stops and hours; paid hours, overtime, wages, the
    scorecard tier and the incentive it earns; the driver's questions about the week."""
    dsp = driver.dsp
    end = week_end_of(week_start)
    hours = next(
        (row for row in driver_hours(dsp=dsp, week_start=week_start) if row["driver"] == driver),
        None,
    )
    zero = Decimal("0.00")
    if hours is None:
        hours = {
            "actual_hours": zero,
            "regular_hours": zero,
            "overtime_hours": zero,
            "rate": driver.hourly_rate,
            "wages": zero,
        }
    routes = list(
        Route.objects.filter(driver=driver, service_date__range=(week_start, end))
        .exclude(status=Route.Status.DRAFT)
        .annotate(
            # routes kept without stop rows (history) still know how many stops they had
            stop_count=Coalesce(
                NullIf(Count("route_stops", distinct=True), 0),
                "planned_stops",
                output_field=IntegerField(),
            ),
            delivered_count=Count(
                "events",
                filter=Q(events__kind=DeliveryEvent.Kind.DELIVERED),
                distinct=True,
            ),
        )
        .order_by("service_date", "code")
    )
    worked = worked_by_route_driver(route_ids=[r.id for r in routes], until=timezone.now())
    days = []
    for day in week_days(week_start):
        day_routes = [
            PayRoute(
                id=r.id,
                code=r.code,
                status=r.status,
                stops=r.stop_count,
                delivered=r.delivered_count,
                hours=hours_of(worked.get((r.id, driver.pk), timedelta(0))),
            )
            for r in routes
            if r.service_date == day
        ]
        days.append(
            PayDay(date=day, routes=day_routes, hours=sum((r.hours for r in day_routes), zero))
        )
    card = scorecard_compute(dsp=dsp, week_start=week_start, driver_id=driver.pk)
    tier = card["tier"] if card["routes"] else ""
    per_package = Decimal(0)
    if tier:
        row = IncentiveRate.objects.filter(dsp=dsp, tier=tier).first()
        per_package = row.per_package if row else Decimal(0)
    incentive = cents(card["delivered"] * per_package)
    return PayWeek(
        driver=driver,
        week_start=week_start,
        week_end=end,
        days=days,
        routes=len(routes),
        stops=sum(r.stop_count for r in routes),
        delivered=card["delivered"],
        hours=hours["actual_hours"],
        regular_hours=hours["regular_hours"],
        overtime_hours=hours["overtime_hours"],
        overtime_multiplier=Decimal(settings.BILLING_OVERTIME_MULTIPLIER),
        rate=hours["rate"],
        wages=hours["wages"],
        tier=tier,
        tier_label=Tier(tier).label if tier else "",
        incentive_per_package=per_package,
        incentive=incentive,
        total=hours["wages"] + incentive,
        discrepancies=list(
            PayDiscrepancy.objects.filter(driver=driver, week_start=week_start).select_related(
                "route"
            )
        ),
    )


def pay_drivers(*, dsp: Dsp, week_start: date) -> list[dict]:
    """The owner's overview of a week: each active driver (or anyone paid that week) with
    hours, overtime and wages, and their open pay questions."""
    rows = {row["driver"].pk: row for row in driver_hours(dsp=dsp, week_start=week_start)}
    drivers = Driver.objects.filter(Q(status=Driver.Status.ACTIVE) | Q(pk__in=rows), dsp=dsp)
    open_counts = dict(
        PayDiscrepancy.objects.filter(driver__dsp=dsp, status=PayDiscrepancy.Status.OPEN)
        .values("driver")
        .annotate(n=Count("id"))
        .values_list("driver", "n")
    )
    out = []
    for driver in drivers.order_by("last_name", "first_name"):
        row = rows.get(driver.pk, {})
        out.append(
            {
                "driver": driver,
                "hours": row.get("actual_hours", Decimal("0.00")),
                "overtime_hours": row.get("overtime_hours", Decimal("0.00")),
                "wages": row.get("wages", Decimal("0.00")),
                "open_questions": open_counts.get(driver.pk, 0),
            }
        )
    return out


def discrepancy_list(*, user) -> QuerySet[PayDiscrepancy]:
    """Pay questions the user may see: a driver's own, a DSP's, or all for staff."""
    return scope_to_user(PayDiscrepancy.objects.all(), user).select_related(
        "driver", "route", "answered_by"
    )


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def incentive_table_set(*, dsp: Dsp, rates: dict[str, Decimal]) -> list[dict]:
    """Set what the DSP passes on per delivered package for the tiers given; others stay."""
    errors = {}
    for tier, amount in rates.items():
        if tier not in TIER_ORDER:
            errors[tier] = f"Unknown tier; use one of {', '.join(TIER_ORDER)}."
        elif amount is None or amount < 0:
            errors[tier] = "Give an amount of 0 or more per package."
        elif amount > MAX_INCENTIVE_PER_PACKAGE:
            errors[tier] = f"At most ${MAX_INCENTIVE_PER_PACKAGE} per package."
    if errors:
        raise ValidationError(errors)
    for tier in sorted(rates, key=TIER_ORDER.index):
        IncentiveRate.objects.update_or_create(
            dsp=dsp, tier=tier, defaults={"per_package": rates[tier]}
        )
    return incentive_table(dsp=dsp)


@transaction.atomic
def discrepancy_open(
    *,
    driver: Driver,
    week_start: date,
    message: str,
    day: date | None = None,
    route: Route | None = None,
) -> PayDiscrepancy:
    """A driver flags something wrong with a week's pay; the DSP's managers answer."""
    errors = {}
    message = (message or "").strip()
    if not message:
        errors["message"] = "Say what looks wrong."
    elif len(message) > 2000:
        errors["message"] = "Keep it under 2,000 characters."
    if week_start != week_start_of(week_start):
        errors["week_start"] = "Give the first day of a program week."
    elif week_start > driver.dsp.station.today():
        errors["week_start"] = "That week has not started yet."
    end = week_end_of(week_start)
    if day is not None and not week_start <= day <= end:
        errors["day"] = f"Pick a day between {week_start} and {end}."
    if route is not None:
        if route.driver_id != driver.pk or not week_start <= route.service_date <= end:
            errors["route"] = "Pick one of your routes of that week."
        elif day is not None and route.service_date != day:
            errors["route"] = "That route was not on the day you picked."
    if errors:
        raise ValidationError(errors)
    row = PayDiscrepancy(
        driver=driver,
        week_start=week_start,
        day=day or (route.service_date if route else None),
        route=route,
        message=message,
    )
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def discrepancy_answer(*, discrepancy: PayDiscrepancy, answer: str, by) -> PayDiscrepancy:
    """The DSP answers a driver's pay question (a later answer replaces the first)."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Write an answer for the driver."})
    if len(answer) > 2000:
        raise ValidationError({"answer": "Keep it under 2,000 characters."})
    row = PayDiscrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    row.answer = answer
    row.answered_by = by
    row.answered_at = timezone.now()
    row.status = PayDiscrepancy.Status.ANSWERED
    row.save(update_fields=["answer", "answered_by", "answered_at", "status", "updated_at"])
    return row
