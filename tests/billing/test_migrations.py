"""The move from a peak flag on the rate card to peak periods keeps what the flag meant."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from billing.models import PeakPeriod
from tests.dsps.factories import StationFactory

BEFORE = [("billing", "0002_statement_immutable_trigger")]
AFTER = [("billing", "0003_peak_periods_and_chargebacks")]


@pytest.mark.django_db
def test_flagged_rate_cards_become_peak_periods_over_the_days_they_were_in_force():
    station = StationFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        RateCard = old.get_model("billing", "RateCard")
        common = {
            "station_id": station.pk,
            "route_fee": 230,
            "package_rate": "0.6",
            "van_weekly_fee": 150,
        }
        RateCard.objects.create(
            effective_from=datetime.date(2026, 1, 4),
            peak_season=True,
            peak_route_bonus=Decimal("25.00"),
            **common,
        )
        RateCard.objects.create(effective_from=datetime.date(2026, 3, 1), **common)
        RateCard.objects.create(
            effective_from=datetime.date(2026, 11, 22),
            peak_season=True,
            peak_route_bonus=Decimal("30.00"),
            **common,
        )
        with connection.cursor() as cursor:  # no pending FK checks before the ALTER TABLEs
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # when
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
    # then

    assert [
        (p.starts_on, p.ends_on, p.per_route, p.per_package)
        for p in PeakPeriod.objects.order_by("starts_on")
    ] == [
        (datetime.date(2026, 1, 4), datetime.date(2026, 2, 28), Decimal("25.00"), Decimal("0")),
        (datetime.date(2026, 11, 22), datetime.date(2027, 11, 21), Decimal("30.00"), Decimal("0")),
    ]
