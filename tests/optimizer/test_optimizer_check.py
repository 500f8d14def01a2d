from dataclasses import replace

import pytest

from routes.optimizer import Break, DroppedStop, VehicleSpec, check_feasible
from tests.optimizer.helpers import line_day, plan


def _day(**kwargs):
    vans = kwargs.pop("vehicles", [VehicleSpec("a", 10, 0, 100), VehicleSpec("b", 10, 0, 100)])
    return line_day([5, 10, 15], vehicles=vans, **kwargs)


def test_an_honest_plan_has_no_violations():
    problem = _day()
    assert check_feasible(problem, plan(problem, {"a": ["s0", "s1", "s2"]})) == []


def test_overload_is_reported():
    problem = _day(stop_kwargs={0: {"demand": 6}, 1: {"demand": 6}})
    violations = check_feasible(problem, plan(problem, {"a": ["s0", "s1", "s2"]}))
    assert violations == ["Vehicle a carries 12, over its capacity of 10."]


def test_a_missed_window_is_reported():
    problem = _day(stop_kwargs={0: {"window": (0, 20)}})
    # s0 at 5 reached after going to 15 and back: arrives at 25.
    violations = check_feasible(problem, plan(problem, {"a": ["s2", "s1", "s0"]}))
    assert violations == ["Vehicle a starts stop s0 at 25, after its window closes at 20."]


def test_returning_after_the_shift_is_reported():
    problem = _day(vehicles=[VehicleSpec("a", 10, 0, 25)])
    violations = check_feasible(problem, plan(problem, {"a": ["s0", "s1", "s2"]}))
    assert violations == ["Vehicle a returns at 30, after its shift ends at 25."]


def test_exceeding_the_maximum_duration_is_reported():
    problem = _day(vehicles=[VehicleSpec("a", 10, 0, 100, max_duration_s=20)])
    violations = check_feasible(problem, plan(problem, {"a": ["s0", "s1", "s2"]}))
    assert violations == ["Vehicle a is away 30 s, over its maximum of 20 s."]


def test_a_stop_served_twice_and_one_forgotten_are_reported():
    problem = _day()
    solution = replace(plan(problem, {"a": ["s0", "s1"], "b": ["s1"]}), dropped=())
    assert check_feasible(problem, solution) == [
        "Stop s1 appears 2 times in the plan.",
        "Stop s2 is neither routed nor dropped.",
    ]


def test_a_stop_both_routed_and_dropped_is_reported():
    problem = _day()
    solution = plan(problem, {"a": ["s0", "s1", "s2"]}, dropped=["s2"])
    assert check_feasible(problem, solution) == ["Stop s2 appears 2 times in the plan."]


def test_unknown_ids_are_reported():
    problem = _day()
    good = plan(problem, {"a": ["s0", "s1", "s2"]})
    (route,) = good.routes
    stranger = replace(route, vehicle_id="zz")
    ghost = replace(
        good,
        routes=(stranger,),
        dropped=(
            DroppedStop("s0", "x"),
            DroppedStop("s1", "x"),
            DroppedStop("s2", "x"),
            DroppedStop("nope", "x"),
        ),
    )
    assert check_feasible(problem, ghost) == [
        "Route uses unknown vehicle zz.",
        "Unknown stop nope is listed as dropped.",
    ]


def test_a_route_claiming_an_impossible_time_or_distance_is_caught():
    problem = _day()
    (route,) = plan(problem, {"a": ["s0", "s1", "s2"]}).routes
    liar = replace(route, start_s=(5, 10, 12), distance_m=20)
    solution = replace(plan(problem, {}), routes=(liar,), dropped=())
    assert check_feasible(problem, solution) == [
        "Route of a claims service at s2 at 12, but the matrices allow 15 at the earliest.",
        "Route of a claims 20 m, but the matrices give 30 m.",
    ]


def test_one_vehicle_driving_two_routes_is_reported():
    problem = _day()
    solution = plan(problem, {"a": ["s0"]})
    twice = replace(solution, routes=solution.routes * 2, dropped=(DroppedStop("s2", "x"),))
    assert "Vehicle a drives more than one route." in check_feasible(problem, twice)


def test_a_pinned_stop_on_another_vehicle_is_reported():
    problem = _day(stop_kwargs={1: {"vehicle_id": "b"}})
    violations = check_feasible(problem, plan(problem, {"a": ["s0", "s1", "s2"]}))
    assert violations == ["Stop s1 is pinned to b but served by a."]


def test_dropping_a_required_stop_is_reported():
    problem = _day(drop_penalty=None)
    violations = check_feasible(problem, plan(problem, {"a": ["s0", "s1"]}, dropped=["s2"]))
    assert violations == ["Required stop s2 is dropped."]


def test_dropping_a_high_priority_stop_a_van_could_take_is_reported():
    problem = _day(stop_kwargs={2: {"priority": "high"}})
    violations = check_feasible(problem, plan(problem, {"a": ["s0", "s1"]}, dropped=["s2"]))
    assert violations == ["High-priority stop s2 is dropped although vehicle a could take it."]


def test_dropping_a_high_priority_stop_no_van_can_take_is_fine():
    vans = [VehicleSpec("a", 10, 0, 100)]
    problem = _day(
        vehicles=vans,
        stop_kwargs={k: {"demand": 5} for k in range(2)} | {2: {"demand": 5, "priority": "high"}},
    )
    solution = plan(problem, {"a": ["s0", "s1"]}, dropped=["s2"])
    assert check_feasible(problem, solution) == []


@pytest.mark.parametrize(
    ("break_start", "message"),
    [
        (None, "Vehicle a has no break."),
        (60, "Vehicle a starts its break outside its break window."),
        (5, "Vehicle a starts stop s0 at 15, after its window closes at 6."),
    ],
)
def test_break_violations_are_reported(break_start, message):
    # A break at 5 falls on s0's service (5 to 9), so s0 waits until the break ends at 15.
    van = VehicleSpec("a", 10, 0, 100, rest_break=Break(5, 30, 10))
    problem = _day(vehicles=[van], stop_kwargs={0: {"service_s": 4, "window": (0, 6)}})
    (route,) = plan(problem, {"a": ["s0", "s1", "s2"]}).routes
    solution = replace(
        plan(problem, {}), routes=(replace(route, break_start_s=break_start),), dropped=()
    )
    assert message in check_feasible(problem, solution)


def test_a_break_during_a_drive_delays_the_next_stop():
    # given: leave at 0, serve s0 (at 5) for 4 s, break 12-22 while driving to s1 (at 10).
    van = VehicleSpec("a", 10, 0, 100, rest_break=Break(5, 30, 10))
    problem = _day(vehicles=[van], stop_kwargs={0: {"service_s": 4}})
    (route,) = plan(problem, {"a": ["s0", "s1", "s2"]}).routes
    # when: a route claims s1 at 14, as if there were no break
    claimed = replace(route, break_start_s=12, start_s=(5, 14, 19))
    solution = replace(plan(problem, {}), routes=(claimed,), dropped=())
    # then
    assert check_feasible(problem, solution) == [
        "Route of a claims service at s1 at 14, but the matrices allow 24 at the earliest.",
        "Route of a claims service at s2 at 19, but the matrices allow 29 at the earliest.",
    ]
