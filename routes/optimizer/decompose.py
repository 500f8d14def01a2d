"""Route-based decomposition: improve a whole day by re-solving groups of neighbouring routes.

A day is first planned whole (or per area when it is too big for one matrix). Then, round
after round, its routes are split into groups of neighbouring routes, a different split
each round (by the angle of each route's centre around the depot, or by growing groups
around a random route), and each group is solved again as a problem of its own, starting
from its current routes. A group's new routes replace its old ones only when they cost
less, so the day never gets worse; the best day is kept. The groups of a round are
independent and run in parallel through an `Executor`: a local process pool here, Celery
sub-tasks in the app. A group whose worker is lost keeps its previous routes.

No travel matrix wider than a group (or than `whole_day_max` stops) is ever built.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, TimeoutError, wait
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from typing import Protocol

import numpy as np

from .check import check_feasible
from .engines import DEFAULT_SEARCH, AutoEngine, PyVrpEngine, SearchSettings
from .engines.common import COST_SCALE, ProgressCallback, StopCallback, day_solution
from .engines.pyvrp_engine import unsupported
from .partition import _planar, _share_vehicles, partition_stops, sub_problem
from .problem import DayProblem
from .solution import DaySolution, DroppedStop, RouteResult

# Share of the time limit the whole-day (or per-area) start gets before the rounds.
START_SHARE = 0.25
# Stops per area of the start: small enough for PyVRP to settle in seconds.
START_PART_STOPS = 750
PART_MIN_S = 8.0
# A day of up to two groups is cut into GROUPS_PER_ROUND smaller groups, none under
# MIN_GROUP_STOPS stops, after a whole-day start: a 1,000-stop day then goes through rounds
# of four 250-stop groups instead of two whole-day searches (Homberger 1,000 at 120 s on two
# cores: see docs/benchmarks.md); only a day of at most 2 * MIN_GROUP_STOPS stops is
# searched whole all the time.
GROUPS_PER_ROUND = 4
MIN_GROUP_STOPS = 250
# Share of the time left that each round takes. A day cut in quarters takes half: fewer,
# longer rounds measured shorter on Homberger 1,000 than a third (docs/benchmarks.md);
# larger days keep a third, as measured on the 3,000- and 20,000-stop days.
ROUND_SHARE = 1 / 3
QUARTERS_ROUND_SHARE = 0.5
# The search of every whole-day worker after the first: stronger perturbations over more
# neighbours, so that two searches side by side fall into different basins more often than
# two seeds do (Solomon at 10 s, both cores: docs/benchmarks.md).
WIDER_SEARCH = SearchSettings(max_perturbations=50, neighbours=80)
# Extra seconds a worker may take past its group's budget (model building, the queue).
GRACE_S = 10.0


@dataclass(frozen=True)
class Phase:
    """Where a day's solve stands, for the people waiting on it.

    `step` is "start" (whole-day searches side by side, `parts` of them), "areas" (the start
    of a big day, one search per area: no whole-day plan exists until they are joined) or
    "round" (improvement round `round`, re-solving `parts` groups of neighbouring routes).
    """

    step: str
    parts: int
    round: int = 0

    def to_json(self) -> dict:
        return {"step": self.step, "parts": self.parts, "round": self.round}

    @classmethod
    def from_json(cls, data: Mapping) -> Phase:
        return cls(str(data["step"]), int(data["parts"]), int(data.get("round", 0)))


PhaseCallback = Callable[[Phase], None]


@dataclass(frozen=True)
class GroupJob:
    """One sub-problem to solve: `initial` holds its current routes (stop ids per van id).

    `optional`: losing the answer costs nothing (a second seed, a group that keeps its
    routes), so an executor may skip it when no worker is free in time; a job that is not
    optional (an area of the start) must be solved by someone.
    """

    problem: DayProblem
    time_limit_s: float
    seed: int
    initial: Mapping[str, Sequence[str]] = field(default_factory=dict)
    optional: bool = False
    search: SearchSettings = DEFAULT_SEARCH


def solve_group(
    job: GroupJob,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
) -> DaySolution:
    """Solve one group, warm-started from its current routes when PyVRP can model it."""
    if unsupported(job.problem) is None:
        return PyVrpEngine().solve(
            job.problem,
            job.time_limit_s,
            seed=job.seed,
            on_progress=on_progress,
            should_stop=should_stop,
            initial=job.initial,
            search=job.search,
        )
    return AutoEngine().solve(
        job.problem,
        job.time_limit_s,
        seed=job.seed,
        on_progress=on_progress,
        should_stop=should_stop,
    )


class Executor(Protocol):
    """Runs the jobs of one round, as many at once as it has `workers`.

    Returns one answer per job, in order; None for a job whose worker was lost, failed or
    did not answer within its time limit plus a grace period.
    """

    workers: int

    def run(
        self,
        jobs: Sequence[GroupJob],
        on_progress: ProgressCallback | None = None,
        should_stop: StopCallback | None = None,
    ) -> list[DaySolution | None]: ...


class SerialExecutor:
    """Solves the jobs one after another in this process (one worker, tests)."""

    workers = 1

    def run(self, jobs, on_progress=None, should_stop=None):
        out = []
        for job in jobs:
            if should_stop is not None and should_stop():
                out.append(None)
                continue
            out.append(solve_group(job, on_progress, should_stop))
        return out


class PoolExecutor:
    """A local pool of `workers` processes (default: one per core).

    Use as a context manager, or call `close()`, so the processes end with the solve.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        # Not "fork": forking a parent that runs threads (a web server, a worker, a test
        # process driving a browser) can leave a child waiting forever on a copied lock.
        self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("forkserver"))

    def __enter__(self) -> PoolExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def run(self, jobs, on_progress=None, should_stop=None):
        if not jobs:
            return []
        futures = [self._pool.submit(solve_group, job) for job in jobs]
        waves = math.ceil(len(jobs) / self.workers)
        deadline = time.monotonic() + waves * max(j.time_limit_s for j in jobs) + GRACE_S
        pending = set(futures)
        while pending and time.monotonic() < deadline:
            if should_stop is not None and should_stop():
                break
            _, pending = wait(pending, timeout=0.2)
        out = []
        for f in futures:
            try:
                out.append(f.result(timeout=0) if f.done() else None)
            except (Exception, TimeoutError):  # a lost or failed worker keeps the old routes
                out.append(None)
            if not f.done():
                f.cancel()
        return out


def routes_cost(problem: DayProblem, routes: Sequence[RouteResult]) -> float:
    """Cents of driving the routes (what the merge compares, besides drop penalties)."""
    per_km = {v.id: v.cost_per_km for v in problem.vehicles}
    return sum(r.distance_m * per_km[r.vehicle_id] for r in routes) / COST_SCALE


@dataclass(frozen=True)
class Group:
    """Vehicles (indexes) whose routes are solved together, and every stop they hold."""

    vehicles: tuple[int, ...]
    stops: tuple[int, ...]


def route_centres(problem: DayProblem, day: DaySolution, xy: np.ndarray) -> dict[str, np.ndarray]:
    index = {s.id: i for i, s in enumerate(problem.stops)}
    return {r.vehicle_id: xy[[index[s] for s in r.stop_ids]].mean(axis=0) for r in day.routes}


def split_routes(
    problem: DayProblem, day: DaySolution, round_no: int, group_stops: int, rng: random.Random
) -> list[Group]:
    """This round's groups of neighbouring routes, about `group_stops` stops each.

    Even rounds sweep route centres by angle around the depot from a start angle that turns
    each round; odd rounds grow each group around a random route, nearest centres first.
    Dropped stops join the group whose route centre is nearest; idle vans are dealt out in
    turn, so a group may open a new route.
    """
    xy = _planar([problem.depots[0].location] + [s.location for s in problem.stops])
    depot, xy = xy[0], xy[1:]
    centres = route_centres(problem, day, xy)
    vids = list(centres)
    size = {r.vehicle_id: len(r.stop_ids) for r in day.routes}
    if not vids:
        return []
    if round_no % 2 == 0:
        rel = np.array([centres[v] - depot for v in vids])
        turn = round_no * 2.399963  # the golden angle: starts never repeat
        angle = (np.arctan2(rel[:, 1], rel[:, 0]) - turn) % (2 * math.pi)
        order = [vids[k] for k in np.argsort(angle, kind="stable")]
        groups, current, count = [], [], 0
        for v in order:
            current.append(v)
            count += size[v]
            if count >= group_stops:
                groups.append(current)
                current, count = [], 0
        if current:
            if groups and count < group_stops / 2:
                groups[-1].extend(current)
            else:
                groups.append(current)
    else:
        left = set(vids)
        groups = []
        while left:
            seed_v = rng.choice(sorted(left))
            near = sorted(left, key=lambda v: float(np.sum((centres[v] - centres[seed_v]) ** 2)))
            current, count = [], 0
            for v in near:
                if count >= group_stops:
                    break
                current.append(v)
                count += size[v]
            left -= set(current)
            groups.append(current)
        if len(groups) > 1 and sum(size[v] for v in groups[-1]) < group_stops / 2:
            # The leftovers are scattered: merge them into the group nearest their centre.
            last = groups.pop()
            mid = np.mean([centres[v] for v in last], axis=0)
            best = min(
                range(len(groups)),
                key=lambda k: float(
                    np.sum((np.mean([centres[v] for v in groups[k]], axis=0) - mid) ** 2)
                ),
            )
            groups[best].extend(last)
    order_of = problem.vehicle_index()
    stop_index = {s.id: i for i, s in enumerate(problem.stops)}
    routes = {r.vehicle_id: r for r in day.routes}
    stops = [[stop_index[s] for v in g for s in routes[v].stop_ids] for g in groups]
    vehicles = [[order_of[v] for v in g] for g in groups]
    mids = np.array([np.mean([centres[v] for v in g], axis=0) for g in groups])
    for d in day.dropped:
        i = stop_index[d.stop_id]
        stops[int(np.argmin(np.sum((mids - xy[i]) ** 2, axis=1)))].append(i)
    idle = [k for k, v in enumerate(problem.vehicles) if v.id not in routes]
    for n, k in enumerate(idle):
        vehicles[n % len(groups)].append(k)
    return [Group(tuple(v), tuple(s)) for v, s in zip(vehicles, stops, strict=True)]


def group_job(
    problem: DayProblem, day: DaySolution, group: Group, time_limit_s: float, seed: int
) -> GroupJob:
    sub = sub_problem(problem, list(group.stops), list(group.vehicles))
    ids = {problem.vehicles[v].id for v in group.vehicles}
    initial = {r.vehicle_id: r.stop_ids for r in day.routes if r.vehicle_id in ids}
    return GroupJob(sub, time_limit_s, seed, initial, optional=True)


def merge_round(
    problem: DayProblem,
    day: DaySolution,
    groups: Sequence[Group],
    answers: Sequence[DaySolution | None],
    started: float,
) -> DaySolution:
    """Put each group's new routes back where they cost less than its old ones.

    A group with no answer (worker lost), an infeasible answer, or an answer that changes
    which stops the group holds keeps its previous routes; so the day returned never costs
    more, and never drives further at the same drops, than `day`.
    """
    routes = {r.vehicle_id: r for r in day.routes}
    dropped = {d.stop_id: d for d in day.dropped}
    for group, answer in zip(groups, answers, strict=True):
        if answer is None or not answer.feasible:
            continue
        ids = {problem.vehicles[v].id for v in group.vehicles}
        stop_ids = {problem.stops[i].id for i in group.stops}
        old = [routes[v] for v in ids if v in routes]
        old_dropped = [dropped[s] for s in stop_ids if s in dropped]
        new = [r for r in answer.routes if r.stop_ids]
        served = [s for r in new for s in r.stop_ids]
        if (
            {r.vehicle_id for r in new} - ids
            or len(served) != len(set(served))
            or set(served) | {d.stop_id for d in answer.dropped} != stop_ids
        ):
            continue
        penalties = {s.id: problem.penalty_of(s) or 0 for s in problem.stops if s.id in stop_ids}
        before = routes_cost(problem, old) + sum(penalties[d.stop_id] for d in old_dropped)
        after = routes_cost(problem, new) + sum(penalties[d.stop_id] for d in answer.dropped)
        broken = not day.feasible and not all(route_fits(problem, r) for r in old)
        worse = after >= before - 1e-9 or len(answer.dropped) > len(old_dropped)
        if worse and not broken:
            continue
        for v in ids:
            routes.pop(v, None)
        for s in stop_ids:
            dropped.pop(s, None)
        routes.update((r.vehicle_id, r) for r in new)
        dropped.update((d.stop_id, d) for d in answer.dropped)
    merged = day_solution(problem, list(routes.values()), list(dropped.values()), "", started, True)
    feasible = day.feasible or all(route_fits(problem, r) for r in merged.routes)
    merged = replace(merged, engine=day.engine, feasible=feasible)
    if day.feasible and merged.objective > day.objective + 1e-6:
        return day
    return merged


def route_fits(problem: DayProblem, route: RouteResult) -> bool:
    """Whether one route keeps every rule, checked on a problem of its own stops only."""
    stop_index = {s.id: i for i, s in enumerate(problem.stops)}
    vehicle = problem.vehicle_index()[route.vehicle_id]
    sub = sub_problem(problem, [stop_index[s] for s in route.stop_ids], [vehicle])
    alone = DaySolution((route,), (), 0.0, "", 0.0, True)
    return not check_feasible(sub, alone)


def assemble_parts(
    problem: DayProblem, answers: Sequence[DaySolution | None], parts, started: float
) -> DaySolution:
    """One day from per-area answers; a lost area's stops are dropped with a reason."""
    routes, dropped, ok = [], [], True
    for part, answer in zip(parts, answers, strict=True):
        if answer is None:
            reason = "its area's solve did not finish."
            dropped.extend(DroppedStop(problem.stops[i].id, reason) for i in part)
            continue
        routes.extend(answer.routes)
        dropped.extend(answer.dropped)
        ok = ok and answer.feasible
    return day_solution(problem, routes, dropped, "pyvrp", started, ok)


def improve_day(
    problem: DayProblem,
    time_limit_s: float,
    *,
    executor: Executor | None = None,
    seed: int = 1,
    group_stops: int = 500,
    whole_day_max: int = 4000,
    start_share: float = START_SHARE,
    start_part_stops: int | None = START_PART_STOPS,
    round_share: float | None = None,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
    on_round: Callable[[int, DaySolution], None] | None = None,
    on_phase: PhaseCallback | None = None,
) -> DaySolution:
    """Plan `problem` in about `time_limit_s` seconds with every worker of `executor`.

    Groups hold about `group_stops` stops; on a day of at most two such groups, a quarter of
    the day (at least `MIN_GROUP_STOPS`), and that day starts whole. A day of at most two
    groups (after that cut: up to 2 * `MIN_GROUP_STOPS` stops) gets one whole-day search per
    worker for the whole time, each with its own seed and every one after the first with
    `WIDER_SEARCH`, and the best is kept. A larger day gets a start for `start_share` of the
    time, per area of at most `start_part_stops` stops (None: one whole-day search per
    worker, unless the day has more than `whole_day_max`), then rounds of group
    re-solves until the time is up, each round taking `round_share` of the time left (None:
    `QUARTERS_ROUND_SHARE` on a day cut in quarters, else `ROUND_SHARE`).
    `on_progress(best_objective_cents, elapsed_s)` is called after every round;
    `on_round(round, best_day)` too, and `on_phase(Phase)` as each phase begins. Once
    `should_stop()` is True no new round starts and the best day so far is returned. Days
    PyVRP cannot model are solved whole, as `solve`.
    """
    started = time.perf_counter()
    executor = executor or SerialExecutor()
    rng = random.Random(seed)
    n = len(problem.stops)
    if n <= 2 * group_stops:  # quarters, started whole: an area's start would idle a worker
        group_stops = max(MIN_GROUP_STOPS, n // GROUPS_PER_ROUND)
        start_part_stops = None
        round_share = round_share or QUARTERS_ROUND_SHARE
    round_share = round_share or ROUND_SHARE

    def left() -> float:
        return time_limit_s - (time.perf_counter() - started)

    def stopped() -> bool:
        return should_stop is not None and should_stop()

    def phase(step: str, parts: int, round_no: int = 0) -> None:
        if on_phase is not None:
            on_phase(Phase(step, parts, round_no))

    def whole_day(limit_s: float, wider: SearchSettings = DEFAULT_SEARCH) -> list[GroupJob]:
        """One search of the whole day per worker: the first with PyVRP's own settings, the
        others with `wider`."""
        return [
            GroupJob(
                problem,
                limit_s,
                seed + k,
                optional=k > 0,
                search=wider if k > 0 else DEFAULT_SEARCH,
            )
            for k in range(max(1, executor.workers))
        ]

    def best_of(answers: Sequence[DaySolution | None]) -> DaySolution | None:
        found = [a for a in answers if a is not None]
        return min(found, key=lambda a: (not a.feasible, a.objective), default=None)

    if unsupported(problem) is not None or n <= 2 * group_stops or executor.workers < 1:
        jobs = whole_day(time_limit_s, WIDER_SEARCH)
        phase("start", len(jobs))
        day = best_of(executor.run(jobs, on_progress, should_stop))
        if day is None:  # every worker was lost: one search here rather than no plan
            day = solve_group(jobs[0], on_progress, should_stop)
        return replace(day, wall_s=time.perf_counter() - started)
    start_s = time_limit_s * start_share
    part_stops = min(start_part_stops or whole_day_max, whole_day_max)
    if n <= whole_day_max and start_part_stops is None:
        # The start of a day that goes on to rounds keeps PyVRP's settings on every worker:
        # WIDER_SEARCH was measured on days searched whole, the rounds' figures without it.
        jobs = whole_day(start_s)
        phase("start", len(jobs))
        day = best_of(executor.run(jobs, on_progress, should_stop))
        if day is None:
            day = solve_group(jobs[0], on_progress, should_stop)
    else:
        parts = partition_stops(problem, part_stops)
        vans = _share_vehicles(problem, parts)
        waves = math.ceil(len(parts) / executor.workers)
        # Every area gets at least PART_MIN_S when the time allows (up to 60 % of it): a
        # 750-stop area needs seconds to settle, and many areas on few workers need longer.
        start_s = max(start_s, min(0.6 * time_limit_s, waves * PART_MIN_S))
        served = [k for k, v in enumerate(vans) if v]
        jobs = [
            GroupJob(sub_problem(problem, parts[k], vans[k]), start_s / waves, seed + k)
            for k in served
        ]
        answers: list[DaySolution | None] = [None] * len(parts)
        phase("areas", len(jobs))
        for k, answer in zip(served, executor.run(jobs, None, should_stop), strict=True):
            answers[k] = answer
        day = assemble_parts(problem, answers, parts, started)
    if on_progress is not None:
        on_progress(day.objective, time.perf_counter() - started)
    round_no = 0
    while not stopped():
        groups = split_routes(problem, day, round_no, group_stops, rng)
        waves = math.ceil(len(groups) / executor.workers) if groups else 1
        if not groups or left() < 0.5:
            break
        # A share of what is left per round, each group at most 30 s and never past the end.
        budget = min(max(2.0, left() * round_share), 30.0 * waves, left()) / waves
        jobs = [
            group_job(problem, day, g, budget, seed + 1000 * (round_no + 1) + k)
            for k, g in enumerate(groups)
        ]
        phase("round", len(jobs), round_no + 1)
        answers = executor.run(jobs, None, should_stop)
        day = merge_round(problem, day, groups, answers, started)
        round_no += 1
        if on_progress is not None:
            on_progress(day.objective, time.perf_counter() - started)
        if on_round is not None:
            on_round(round_no, day)
    return replace(day, wall_s=time.perf_counter() - started)
