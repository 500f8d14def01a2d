import itertools
import random
import time

import pytest

from routes.optimizer import (
    Break,
    DayProblem,
    Depot,
    LatLon,
    PyVrpEngine,
    SearchSettings,
    StopSpec,
    VehicleSpec,
    check_feasible,
    solve,
)
from routes.optimizer.engines import pyvrp_engine
from tests.optimizer.helpers import line_day

ENGINES = ["pyvrp", "ortools"]


@pytest.mark.parametrize("engine", ENGINES)
def test_three_stops_on_a_line_are_visited_in_line(engine):
    # given
    problem = line_day([3, 1, 2])
    # when
    solution = solve(problem, 0.5, engine=engine)
    # then
    assert check_feasible(problem, solution) == []
    (route,) = solution.routes
    assert route.stop_ids in (("s1", "s2", "s0"), ("s0", "s2", "s1"))
    assert route.distance_m == 6
    assert solution.dropped == ()
    assert solution.objective == pytest.approx(6 * 100 / 1000)


@pytest.mark.parametrize("engine", ENGINES)
def test_windows_force_the_farther_stop_first(engine):
    # given: s0 at 1 opens at 50; s1 at 2 closes at 10.
    problem = line_day([1, 2], stop_kwargs={0: {"window": (50, 60)}, 1: {"window": (0, 10)}})
    # when
    solution = solve(problem, 0.5, engine=engine)
    # then
    (route,) = solution.routes
    assert route.stop_ids == ("s1", "s0")
    assert route.start_s == (2, 50)
    assert route.wait_s == 47
    assert check_feasible(problem, solution) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_capacity_forces_two_routes(engine):
    # given
    vans = [VehicleSpec(f"v{k}", capacity=10, shift_end_s=1000) for k in range(2)]
    problem = line_day([5, 6], vehicles=vans, stop_kwargs={0: {"demand": 6}, 1: {"demand": 6}})
    # when
    solution = solve(problem, 0.5, engine=engine)
    # then
    assert sorted(r.stop_ids for r in solution.routes) == [("s0",), ("s1",)]
    assert [r.load for r in solution.routes] == [6, 6]
    assert check_feasible(problem, solution) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stop_bigger_than_every_van_is_dropped_with_that_reason(engine):
    # given
    vans = [VehicleSpec("v0", capacity=30), VehicleSpec("v1", capacity=20)]
    problem = line_day([1, 2], vehicles=vans, stop_kwargs={0: {"demand": 40}})
    # when
    solution = solve(problem, 0.5, engine=engine)
    # then
    assert [(d.stop_id, d.reason) for d in solution.dropped] == [
        ("s0", "demand 40 exceeds every vehicle's capacity (largest 30).")
    ]
    assert [r.stop_ids for r in solution.routes] == [("s1",)]
    assert check_feasible(problem, solution) == []


def test_an_unreachable_window_is_dropped_with_that_reason():
    # given: the stop is 10 away but its window closes at 5.
    problem = line_day([10], stop_kwargs={0: {"window": (0, 5)}})
    # when
    solution = solve(problem, 0.2)
    # then
    assert solution.routes == ()
    assert solution.dropped[0].reason == (
        "time window 00:00-00:00 cannot be reached from the depot within any vehicle's shift."
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_the_solver_drops_a_normal_stop_before_a_high_priority_one(engine):
    # given: room for two of the three stops; the farthest one is high priority.
    van = [VehicleSpec("v0", capacity=10, shift_end_s=1000)]
    problem = line_day(
        [1, 2, 30],
        vehicles=van,
        stop_kwargs={k: {"demand": 5} for k in range(2)} | {2: {"demand": 5, "priority": "high"}},
    )
    # when
    solution = solve(problem, 0.5, engine=engine)
    # then
    (route,) = solution.routes
    assert "s2" in route.stop_ids
    assert len(solution.dropped) == 1
    assert solution.dropped[0].reason.startswith("no vehicle had spare capacity or time")
    assert check_feasible(problem, solution) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stop_is_dropped_when_serving_it_costs_more_than_its_penalty(engine):
    # given: 1,000 m out and back at 100 cents/km is 200 cents; the penalty is 150.
    problem = line_day([1000], drop_penalty=150)
    # when
    solution = solve(problem, 0.3, engine=engine)
    # then
    assert solution.routes == ()
    assert solution.objective == 150


def _random_day(n: int, seed: int = 7) -> DayProblem:
    rng = random.Random(seed)
    depot = Depot("D", LatLon(48.85, 2.35))
    stops = [
        StopSpec(
            f"s{i}",
            LatLon(48.85 + rng.uniform(-0.05, 0.05), 2.35 + rng.uniform(-0.07, 0.07)),
            demand=rng.randint(1, 4),
            service_s=60,
        )
        for i in range(n)
    ]
    vans = [VehicleSpec(f"v{k}", 120, 8 * 3600, 20 * 3600) for k in range(4)]
    return DayProblem([depot], stops, vans)


@pytest.mark.parametrize("engine", ["pyvrp", "ortools", "auto"])
def test_cancellation_returns_the_best_plan_so_far_quickly(engine):
    # given
    problem = _random_day(150)
    assert problem.travel.size == 151  # built now: matrix building is not what is timed
    started = time.perf_counter()
    # when
    solution = solve(
        problem, 30, engine=engine, should_stop=lambda: time.perf_counter() - started > 0.5
    )
    # then
    assert time.perf_counter() - started < 5
    assert check_feasible(problem, solution) == []
    assert len(solution.dropped) == 0


def test_progress_is_reported_about_once_a_second_and_never_gets_worse():
    # given
    problem = _random_day(80)
    calls = []
    # when
    solution = solve(problem, 2.5, on_progress=lambda obj, at: calls.append((obj, at)))
    # then
    assert 2 <= len(calls) <= 4
    assert all(b[1] - a[1] >= 0.99 for a, b in itertools.pairwise(calls))
    assert all(b[0] <= a[0] for a, b in itertools.pairwise(calls))
    assert solution.feasible


def test_progress_is_reported_even_when_the_first_plan_is_already_the_best():
    # given: a day so small that the search never improves on its first plan
    problem = line_day([5, 10, 15])
    calls = []
    # when
    solve(problem, 2.5, engine="pyvrp", on_progress=lambda obj, at: calls.append((obj, at)))
    # then: the page's "best so far" still gets a figure, about once a second
    assert 2 <= len(calls) <= 4
    assert len({obj for obj, _ in calls}) == 1


@pytest.mark.parametrize("engine", ["ortools", "auto"])
def test_breaks_are_placed_inside_their_window(engine):
    # given: a 30 s break between 20 and 40 on a route with service at every stop.
    van = VehicleSpec("v0", 100, 0, 1000, rest_break=Break(20, 40, 30))
    problem = line_day(
        [5, 10, 15, 20], vehicles=[van], stop_kwargs={k: {"service_s": 5} for k in range(4)}
    )
    # when
    solution = solve(problem, 1, engine=engine)
    # then
    (route,) = solution.routes
    assert 20 <= route.break_start_s <= 40
    assert route.departure_s <= route.break_start_s
    assert route.break_start_s + 30 <= route.return_s
    assert route.duration_s >= 40 + 4 * 5 + 30
    assert check_feasible(problem, solution) == []


def test_pyvrp_refuses_what_it_cannot_model():
    van = VehicleSpec("v0", 100, 0, 1000, rest_break=Break(20, 40, 30))
    with pytest.raises(ValueError, match="PyVRP cannot model driver breaks"):
        solve(line_day([1], vehicles=[van]), 0.1, engine="pyvrp")


@pytest.mark.parametrize("engine", ["ortools", "auto"])
def test_pinned_stops_stay_on_their_vehicle(engine):
    # given: s1 sits next to s0 but is pinned to the other van.
    vans = [VehicleSpec("a", 100, 0, 1000), VehicleSpec("b", 100, 0, 1000)]
    problem = line_day([10, 11], vehicles=vans, stop_kwargs={1: {"vehicle_id": "b"}})
    # when
    solution = solve(problem, 0.5, engine=engine)
    # then
    by_vehicle = {r.vehicle_id: r.stop_ids for r in solution.routes}
    assert "s1" in by_vehicle["b"]
    assert check_feasible(problem, solution) == []


@pytest.mark.parametrize("engine", ["ortools", "auto"])
def test_balance_weight_splits_work_across_vans(engine):
    # given: two stops each side of the depot; one van or two cost the same distance.
    vans = [VehicleSpec("a", 100, 0, 1000), VehicleSpec("b", 100, 0, 1000)]
    problem = line_day(
        [10, 11, -10, -11],
        vehicles=vans,
        stop_kwargs={k: {"service_s": 50} for k in range(4)},
        balance_weight=10,
    )
    # when
    solution = solve(problem, 1, engine=engine)
    # then
    assert sorted(len(r.stop_ids) for r in solution.routes) == [2, 2]
    assert solution.distance_m == 44


def test_unknown_engine_and_negative_time_are_refused():
    with pytest.raises(ValueError, match="Unknown engine 'cplex'"):
        solve(line_day([1]), 1, engine="cplex")
    with pytest.raises(ValueError, match="Time limit cannot be negative"):
        solve(line_day([1]), -1)


def test_a_stop_that_only_fits_without_the_break_is_dropped_with_a_reason():
    # given: 5 there and 5 back, plus a 15 s break, in a 20 s shift.
    van = VehicleSpec("v0", 100, 0, 20, rest_break=Break(0, 5, 15))
    problem = line_day([5], vehicles=[van])
    # when
    solution = solve(problem, 0.2)
    # then
    assert [(d.stop_id, d.reason) for d in solution.dropped] == [
        ("s0", "no vehicle's shift is long enough to drive there, serve it and return.")
    ]


def test_pyvrp_searches_with_the_settings_it_is_given(monkeypatch):
    # given: a record of the parameters PyVRP is called with
    seen = []
    real = pyvrp_engine.pyvrp.solve

    def recording(data, stop, **kwargs):
        seen.append(kwargs["params"])
        return real(data, stop, **kwargs)

    monkeypatch.setattr(pyvrp_engine.pyvrp, "solve", recording)
    problem = line_day([3, 1, 2])
    wider = SearchSettings(restart_after=5_000, max_perturbations=40, neighbours=2)
    # when
    plain = PyVrpEngine().solve(problem, 0.2)
    other = PyVrpEngine().solve(problem, 0.2, search=wider)
    # then: both find the line, each with its own settings (the first PyVRP's defaults)
    assert plain.routes[0].distance_m == other.routes[0].distance_m == 6
    defaults, given = seen
    assert defaults.ils.num_iters_no_improvement == 150_000
    assert defaults.perturbation.max_perturbations == 25
    assert defaults.neighbourhood.num_neighbours == 50
    assert given.ils.num_iters_no_improvement == 5_000
    assert given.perturbation.max_perturbations == 40
    assert given.neighbourhood.num_neighbours == 2
