"""The done-when test of trustworthy re-plans: a simulated station day on PostgreSQL.

Many more seeds run in `bench/simulated_day.py`.
"""

import pytest

from tests.routes.simulated_day import run_day


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.django_db
def test_a_simulated_day_keeps_every_route_feasible_and_every_package_placed(seed):
    # given / when: four routes, progress, a closure, a breakdown and a late stop
    day = run_day(seed, time_limit_s=1)
    # then: after every step every invariant held, and each event's proposal was applied
    assert day.broken == []
    assert [(s.name, s.status) for s in day.steps] == [
        ("start", ""),
        ("progress", ""),
        ("closure", "applied"),
        ("breakdown", "applied"),
        ("late stop", "applied"),
    ]
