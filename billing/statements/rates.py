"""Rates, peak periods and thresholds: never one that would reprice an approved week."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from billing.models import (
    TIER_ORDER,
    PeakPeriod,
    RateCard,
    Statement,
    ThresholdSet,
)
from billing.scorecards.metrics import threshold_errors
from dsps.models import Station
from dsps.services import audit_record
from nextmile.calendar import week_start_of


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
