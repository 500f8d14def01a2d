"""Electric vans' range less the reserve: a hard limit on each route's distance."""

import pytest

from routes.optimizer import VehicleSpec, ViolationKind, check_feasible, solve
from routes.optimizer.schedule import simulate
from tests.optimizer.helpers import line_day, plan


def _ev(max_distance_m: int, vid: str = "ev") -> VehicleSpec:
    return VehicleSpec(
        vid, capacity=100, shift_start_s=0, shift_end_s=1000, max_distance_m=max_distance_m
    )


@pytest.mark.parametrize("engine", ["pyvrp", "ortools"])
def test_no_plan_gives_an_electric_van_a_route_longer_than_its_range(engine):
    # given: stops out to 40 on a line; the van may drive 60 there and back (reaches 30)
    problem = line_day([10, 20, 30, 40], vehicles=[_ev(60)], drop_penalty=1000)
    # when
    day = solve(problem, 1, engine=engine)
    # then: the stop at 40 (80 there and back) is left out, and says why
    assert check_feasible(problem, day) == []
    assert all(r.distance_m <= 60 for r in day.routes)
    assert [d.stop_id for d in day.dropped] == ["s3"]
    assert "range" in day.dropped[0].reason


def test_a_stop_out_of_every_electric_vans_range_says_so_before_solving():
    problem = line_day([10, 500], vehicles=[_ev(200)], drop_penalty=1000)
    day = solve(problem, 0.5)
    (dropped,) = day.dropped
    assert dropped.stop_id == "s1"
    assert "too far for the range" in dropped.reason


def test_a_route_past_the_range_is_a_violation_the_checker_reports():
    # given: a hand-made route out to 40 and back (80) on a van with 60 of range
    problem = line_day([10, 40], vehicles=[_ev(60)])
    day = plan(problem, {"ev": ["s0", "s1"]})
    # then
    assert any("over its range of 0.1 km" in v for v in check_feasible(problem, day))
    timing = simulate(problem, problem.vehicles[0], [0, 1], 0, None)
    assert [v.kind for v in timing.violations] == [ViolationKind.OVER_RANGE]


def test_a_range_must_be_positive():
    with pytest.raises(ValueError, match="Maximum distance must be positive"):
        _ev(0)
