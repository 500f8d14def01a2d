"""Several weeks' P&L read together: the same figures as each week alone, in a number of
queries that does not grow with the weeks, drivers or punches."""

import datetime
from decimal import Decimal

import pytest

from billing.finances.expenses import extra_expenses
from billing.models import StatementLine
from billing.selectors import week_pnl, weeks_pnl
from tests.billing.factories import WEEK, StatementFactory, StatementLineFactory
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory
from tests.fleet.factories import InsurancePolicyFactory, LeaseFactory, RepairFactory
from tests.routes.factories import RouteFactory, ShiftPunchFactory

pytestmark = pytest.mark.django_db


def _weeks_of_work(dsp, weeks: int) -> list[datetime.date]:
    """`weeks` program weeks from WEEK, each with two drivers' punched routes (one of them past
    forty hours in odd weeks), a repair, and a statement with a lease deduction."""
    drivers = [DriverFactory(dsp=dsp, hourly_rate=Decimal(rate)) for rate in ("20.00", "23.50")]
    lease = LeaseFactory(vehicle__dsp=dsp, starts_on=WEEK, monthly_rate=Decimal("1000.00"))
    InsurancePolicyFactory(dsp=dsp, starts_on=WEEK + datetime.timedelta(days=3))
    starts = [WEEK + datetime.timedelta(days=7 * w) for w in range(weeks)]
    for w, start in enumerate(starts):
        for d in range(5):
            day = start + datetime.timedelta(days=d)
            for i, driver in enumerate(drivers):
                route = RouteFactory(dsp=dsp, service_date=day, driver=driver, drive_s=30000 + i)
                at = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)
                hours = 9 if (w % 2 and i == 0) else 7
                for kind, offset in (("clock_in", 0), ("clock_out", hours)):
                    ShiftPunchFactory(
                        driver=driver,
                        route=route,
                        kind=kind,
                        at=at + datetime.timedelta(hours=offset),
                    )
        RepairFactory(vehicle=lease.vehicle, performed_on=start + datetime.timedelta(days=w % 7))
        statement = StatementFactory(
            dsp=dsp,
            week_start=start,
            gross=Decimal(1050 + w),
            deductions=Decimal(50),
            net=Decimal(1000 + w),
        )
        StatementLineFactory(
            statement=statement,
            kind=StatementLine.Kind.LEASE,
            quantity=Decimal(1),
            rate=Decimal("50.00"),
            amount=Decimal("50.00"),
        )
    return starts


def test_several_weeks_read_together_match_each_week_alone():
    dsp = DspFactory()
    starts = _weeks_of_work(dsp, weeks=3)

    together = weeks_pnl(dsp=dsp, week_starts=list(reversed(starts)))

    assert together == [week_pnl(dsp=dsp, week_start=start) for start in starts]
    # the odd week paid overtime: more wages than the even ones, and every week had costs
    wages = [pnl["expenses"]["wages"] for pnl in together]
    assert wages[1] > wages[0] == wages[2] > 0
    assert [pnl["revenue"] for pnl in together] == [Decimal(1000), Decimal(1001), Decimal(1002)]
    assert all(pnl["expenses"]["repairs"] == Decimal("320.00") for pnl in together)


def test_the_weeks_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    dsp = DspFactory()
    starts = _weeks_of_work(dsp, weeks=6)
    per_week = len(extra_expenses(dsp=dsp, start=WEEK, end=WEEK))  # one per registered source

    with django_assert_max_num_queries(11 + per_week * 2):
        two = weeks_pnl(dsp=dsp, week_starts=starts[:2])
    with django_assert_max_num_queries(11 + per_week * 6):
        six = weeks_pnl(dsp=dsp, week_starts=starts)

    assert six[:2] == two
