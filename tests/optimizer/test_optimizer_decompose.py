"""Route-based decomposition: the rounds, the merge step, lost workers and the wire format."""

import math
import random
import time
from dataclasses import replace

import pytest

from routes.optimizer import (
    DayProblem,
    Depot,
    HaversineProvider,
    LatLon,
    SearchSettings,
    StopSpec,
    VehicleSpec,
    check_feasible,
    solve,
)
from routes.optimizer.decompose import (
    QUARTERS_ROUND_SHARE,
    ROUND_SHARE,
    WIDER_SEARCH,
    Group,
    Phase,
    PoolExecutor,
    SerialExecutor,
    group_job,
    improve_day,
    merge_round,
    solve_group,
    split_routes,
)
from routes.optimizer.wire import (
    problem_from_dict,
    problem_to_dict,
    solution_from_dict,
    solution_to_dict,
)
from tests.optimizer.helpers import plan


def _ring_day(n: int = 160, vans: int = 8, seed: int = 4, **kwargs) -> DayProblem:
    """Stops in eight neighbourhoods around a depot; windows on some, 60 s service each."""
    rng = random.Random(seed)
    stops = []
    for i in range(n):
        hood = i % 8
        lat = 50.0 + 0.08 * (hood % 3 - 1) + rng.gauss(0, 0.01)
        lon = 8.0 + 0.12 * (hood // 3 - 1) + rng.gauss(0, 0.015)
        window = (10 * 3600, 14 * 3600) if i % 5 == 0 else None
        stops.append(StopSpec(f"s{i}", LatLon(lat, lon), demand=1, service_s=60, window=window))
    vehicles = [VehicleSpec(f"v{k}", 30, 8 * 3600, 18 * 3600) for k in range(vans)]
    return DayProblem(
        [Depot("D", LatLon(50.0, 8.0))],
        stops,
        vehicles,
        provider=HaversineProvider(1.3, 30.0),
        **kwargs,
    )


def _every_stop_once(problem, day) -> bool:
    seen = [s for r in day.routes for s in r.stop_ids] + [d.stop_id for d in day.dropped]
    return sorted(seen) == sorted(s.id for s in problem.stops)


class _FirstRoundExecutor(SerialExecutor):
    """Two workers that answer the start in half a second each and record when the first
    round's jobs came and what they were, without solving them."""

    workers = 2

    def __init__(self):
        self.rounds = []

    def run(self, jobs, on_progress=None, should_stop=None):
        if jobs[0].initial:  # a round re-solves groups from their current routes
            self.rounds.append((time.perf_counter(), jobs))
            return [None] * len(jobs)
        quick = [replace(job, time_limit_s=0.5) for job in jobs]
        return super().run(quick, on_progress, should_stop)


class _LosingExecutor(SerialExecutor):
    """Answers only every other job, as if the other workers were killed mid-round."""

    def __init__(self):
        self.calls = 0

    def run(self, jobs, on_progress=None, should_stop=None):
        self.calls += 1
        answers = super().run(jobs, on_progress, should_stop)
        return [a if k % 2 == 0 else None for k, a in enumerate(answers)]


def test_routes_split_into_groups_of_neighbours_with_every_stop_once():
    # given: a planned day
    problem = _ring_day()
    day = solve(problem, 1, seed=1)
    # when: two rounds split differently
    rng = random.Random(1)
    first, second = (split_routes(problem, day, r, 40, rng) for r in (0, 1))
    # then: every stop and every van is in exactly one group, about 40 stops each
    for groups in (first, second):
        stops = sorted(i for g in groups for i in g.stops)
        assert stops == list(range(len(problem.stops)))
        vans = sorted(v for g in groups for v in g.vehicles)
        assert vans == list(range(len(problem.vehicles)))
        assert all(len(g.stops) >= 20 for g in groups) and len(groups) >= 2
    assert {g.vehicles for g in first} != {g.vehicles for g in second}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_merge_step_never_returns_a_longer_day(seed):
    # given: a good day and, per group, answers of every kind: better, worse, lost, infeasible
    problem = _ring_day(vans=10, drop_penalty=None)
    day = solve(problem, 2, seed=seed)
    assert check_feasible(problem, day) == []
    groups = split_routes(problem, day, seed, 40, random.Random(seed))
    answers = []
    for k, g in enumerate(groups):
        job = group_job(problem, day, g, 0.2, seed + k)
        cold = replace(job, initial={})  # a short cold search: often worse than the day
        answer = solve_group(cold) if k % 3 else None
        if k % 4 == 3 and answer is not None:
            answer = replace(answer, feasible=False)
        answers.append(answer)
    # when
    merged = merge_round(problem, day, groups, answers, time.perf_counter())
    # then
    assert merged.distance_m <= day.distance_m
    assert merged.objective <= day.objective
    assert _every_stop_once(problem, merged)
    assert check_feasible(problem, merged) == []


def test_the_merge_step_refuses_an_answer_that_drives_further():
    # given: one group whose answer moves a stop from one van's route to the end of another's
    problem = _ring_day(n=40, vans=4)
    day = solve(problem, 1, seed=1)
    everyone = Group(tuple(range(4)), tuple(range(40)))
    routes = {r.vehicle_id: list(r.stop_ids) for r in day.routes}
    first, second = list(routes)[:2]
    routes[second].append(routes[first].pop(0))
    longer = plan(problem, routes)
    assert longer.distance_m > day.distance_m
    # when
    merged = merge_round(problem, day, [everyone], [longer], time.perf_counter())
    # then: the day is unchanged
    assert merged.routes == day.routes
    assert merged.distance_m == day.distance_m


def test_rounds_improve_a_poor_start_and_keep_every_rule():
    # given
    problem = _ring_day()
    start = solve(problem, 0, seed=1)
    # when
    day = improve_day(problem, 6, executor=SerialExecutor(), seed=1, group_stops=40)
    # then
    assert day.feasible
    assert check_feasible(problem, day) == []
    assert _every_stop_once(problem, day)
    assert day.objective <= start.objective


def test_a_lost_worker_leaves_its_groups_routes_and_one_complete_day():
    # given: an executor that loses every other group of every round
    problem = _ring_day()
    losing = _LosingExecutor()
    # when
    day = improve_day(problem, 5, executor=losing, seed=2, group_stops=40)
    # then
    assert losing.calls >= 2  # the start and at least one round
    assert check_feasible(problem, day) == []
    assert _every_stop_once(problem, day)


def test_a_small_day_runs_one_search_per_worker_and_keeps_the_best():
    # given
    problem = _ring_day(n=40, vans=4)
    # when
    with PoolExecutor(2) as pool:
        day = improve_day(problem, 1, executor=pool, seed=3, group_stops=40)
    # then
    assert check_feasible(problem, day) == []
    assert day.objective <= min(solve(problem, 1, seed=s).objective for s in (3, 4)) * 1.02


class _RecordingExecutor(SerialExecutor):
    """Two workers that record their jobs and answer each in a fifth of a second."""

    workers = 2

    def __init__(self):
        self.jobs = []

    def run(self, jobs, on_progress=None, should_stop=None):
        self.jobs.extend(jobs)
        quick = [replace(job, time_limit_s=0.2) for job in jobs]
        return super().run(quick, on_progress, should_stop)


def test_the_searches_side_by_side_differ_by_their_settings_not_only_their_seed():
    # given
    executor = _RecordingExecutor()
    # when
    day = improve_day(_ring_day(n=40, vans=4), 1, executor=executor, seed=3)
    # then: PyVRP's own search on the first worker, a wider one on the second
    first, second = executor.jobs
    assert (first.seed, first.search) == (3, SearchSettings())
    assert (second.seed, second.search) == (4, WIDER_SEARCH)
    assert WIDER_SEARCH.max_perturbations > first.search.max_perturbations
    assert WIDER_SEARCH.neighbours > first.search.neighbours
    assert day.feasible


def test_the_start_of_a_day_that_goes_on_to_rounds_keeps_pyvrps_settings_on_every_worker():
    # given: a 600-stop day, which starts whole and then goes through rounds
    executor = _RecordingExecutor()
    # when: the solve stops after its start
    improve_day(_ring_day(n=600, vans=24), 20, executor=executor, should_stop=lambda: True)
    # then: the two searches of the start differ by their seed only
    assert [(job.seed, job.search) for job in executor.jobs] == [
        (1, SearchSettings()),
        (2, SearchSettings()),
    ]


def test_cancelling_stops_before_the_next_round():
    # given
    problem = _ring_day()
    asked = []

    def should_stop() -> bool:
        asked.append(time.perf_counter())
        return len(asked) > 3

    # when
    started = time.perf_counter()
    day = improve_day(problem, 30, seed=1, group_stops=40, should_stop=should_stop)
    # then: long before the 30 s, with a complete day
    assert time.perf_counter() - started < 10
    assert _every_stop_once(problem, day)


def test_a_day_and_its_plan_survive_the_wire():
    # given
    problem = _ring_day(n=20, vans=2, drop_penalty=5000)
    day = solve(problem, 0.5, seed=1)
    # when
    problem2 = problem_from_dict(problem_to_dict(problem))
    day2 = solution_from_dict(solution_to_dict(day))
    # then
    assert problem2.stops == problem.stops
    assert problem2.vehicles == problem.vehicles
    assert problem2.drop_penalty == 5000
    assert (problem2.travel.distance == problem.travel.distance).all()
    assert day2 == day


def test_a_big_days_solve_names_its_phases_areas_then_numbered_rounds():
    # given: a day cut into areas of at most 60 stops for its start
    problem = _ring_day()
    phases = []
    # when
    improve_day(problem, 6, seed=1, group_stops=40, start_part_stops=60, on_phase=phases.append)
    # then: the areas first (no whole-day plan yet), then rounds counted from 1
    assert phases[0].step == "areas" and phases[0].parts >= 3
    rounds = phases[1:]
    assert rounds and [p.step for p in rounds] == ["round"] * len(rounds)
    assert [p.round for p in rounds] == list(range(1, len(rounds) + 1))
    assert all(p.parts >= 1 for p in rounds)
    assert Phase.from_json(rounds[-1].to_json()) == rounds[-1]


def test_a_small_days_solve_names_its_searches_side_by_side():
    phases = []
    with PoolExecutor(2) as pool:
        improve_day(_ring_day(n=40, vans=4), 1, executor=pool, seed=3, on_phase=phases.append)
    assert phases == [Phase("start", 2)]


@pytest.mark.parametrize(("stops", "rounds_of"), [(600, 2), (500, None)])
def test_only_a_day_of_up_to_500_stops_is_searched_whole_the_rest_goes_through_rounds(
    stops, rounds_of
):
    # given: the default group size (500 stops), which alone would search a 1,000-stop day whole
    problem = _ring_day(n=stops, vans=stops // 25)
    phases = []
    # when
    day = improve_day(problem, 8, seed=1, on_phase=phases.append)
    # then: a 600-stop day starts whole, then two groups of at least 250 stops are re-solved
    # each round; a 500-stop day is searched whole all the time
    assert phases[0] == Phase("start", 1)
    rounds = phases[1:]
    assert [p.parts for p in rounds] == [rounds_of] * len(rounds)
    assert bool(rounds) == (rounds_of is not None)
    assert day.feasible and _every_stop_once(problem, day)


@pytest.mark.parametrize(("stops", "share"), [(600, QUARTERS_ROUND_SHARE), (1200, ROUND_SHARE)])
def test_a_round_takes_half_the_time_left_on_a_day_cut_in_quarters_and_a_third_on_larger_days(
    stops, share
):
    # given: 50 s for a day of two groups of at most 500 stops (cut in quarters of at least
    # 250), and for a day of more groups
    problem = _ring_day(n=stops, vans=stops // 25)
    executor = _FirstRoundExecutor()
    started = time.perf_counter()
    # when: the solve stops after its first round
    improve_day(problem, 50, executor=executor, seed=1, should_stop=lambda: bool(executor.rounds))
    # then: that round's groups, run two at a time, fill its share of the time then left
    ((at, jobs),) = executor.rounds
    left = 50 - (at - started)
    round_s = jobs[0].time_limit_s * math.ceil(len(jobs) / executor.workers)
    assert share * left <= round_s <= share * (left + 1)
