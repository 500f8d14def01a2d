import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from billing.models import RateCard, Statement, StatementLine, ThresholdSet
from billing.scorecards.metrics import DEFAULT_THRESHOLDS, DEFAULT_WEIGHTS
from tests.dsps.factories import DspFactory, StationFactory

# A Sunday: the first day of a program week under the default settings.
WEEK = datetime.date(2026, 11, 1)


class RateCardFactory(DjangoModelFactory):
    class Meta:
        model = RateCard

    station = factory.SubFactory(StationFactory)
    effective_from = datetime.date(2026, 1, 4)
    route_fee = Decimal("230.00")
    package_rate = Decimal("0.6000")
    van_weekly_fee = Decimal("150.00")
    incentive_per_package = factory.LazyFunction(
        lambda: {"fantastic_plus": "0.10", "fantastic": "0.05", "great": "0.02"}
    )


class ThresholdSetFactory(DjangoModelFactory):
    class Meta:
        model = ThresholdSet

    station = factory.SubFactory(StationFactory)
    week_start = datetime.date(2026, 1, 4)
    thresholds = factory.LazyFunction(lambda: dict(DEFAULT_THRESHOLDS))
    weights = factory.LazyFunction(lambda: dict(DEFAULT_WEIGHTS))


class StatementFactory(DjangoModelFactory):
    class Meta:
        model = Statement

    dsp = factory.SubFactory(DspFactory)
    week_start = WEEK


class StatementLineFactory(DjangoModelFactory):
    class Meta:
        model = StatementLine

    statement = factory.SubFactory(StatementFactory)
    kind = StatementLine.Kind.ROUTES
    description = "Routes run"
    quantity = Decimal("2")
    rate = Decimal("230.00")
    amount = Decimal("460.00")


def approved_statement(dsp=None, **kwargs) -> Statement:
    """An approved statement with one route line (totals consistent)."""
    from django.utils import timezone

    statement = StatementFactory(dsp=dsp or DspFactory(), **kwargs)
    StatementLineFactory(statement=statement)
    Statement.objects.filter(pk=statement.pk).update(
        gross=Decimal("460.00"),
        net=Decimal("460.00"),
        status=Statement.Status.APPROVED,
        approved_at=timezone.now(),
    )
    statement.refresh_from_db()
    return statement
