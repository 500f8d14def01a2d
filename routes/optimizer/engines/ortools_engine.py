"""OR-Tools routing: the engine for side constraints PyVRP cannot express.

Driver breaks, stops pinned to a vehicle and balanced route lengths are modelled here.
Every input was validated by `DayProblem`; the model below must still never be handed a
bound it cannot hold (a window outside the horizon, a break longer than the day), because
OR-Tools aborts the process instead of raising.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from ..problem import MAX_TIME_S, DayProblem
from ..solution import DaySolution
from .common import (
    COST_SCALE,
    PlannedRoute,
    Progress,
    ProgressCallback,
    StopCallback,
    assemble,
    dropped_penalty,
    restore_high_priority,
    triage,
)


class OrToolsEngine:
    """OR-Tools RoutingModel: PATH_CHEAPEST_ARC then guided local search.

    Capacity and time are dimensions; optional stops are disjunctions at their drop
    penalty; the balance weight is the time dimension's global span cost; breaks are
    break intervals; pinned stops get their vehicle as the only allowed one.
    `initial_routes` (vehicle index -> stop indexes) seeds the search when OR-Tools accepts
    them as a valid start; otherwise the search starts from scratch.
    """

    name = "ortools"

    def __init__(
        self,
        first_solution: int = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC,
        metaheuristic: int = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH,
    ) -> None:
        self.first_solution = first_solution
        self.metaheuristic = metaheuristic

    def solve(
        self,
        problem: DayProblem,
        time_limit_s: float,
        *,
        seed: int = 0,
        on_progress: ProgressCallback | None = None,
        should_stop: StopCallback | None = None,
        initial_routes: dict[int, Sequence[int]] | None = None,
        started: float | None = None,
        engine_name: str | None = None,
    ) -> DaySolution:
        # OR-Tools' local search is deterministic; `seed` is accepted for the common interface.
        del seed
        started = time.perf_counter() if started is None else started
        name = engine_name or self.name
        kept, pre_dropped = triage(problem)
        if not kept:
            return assemble(problem, [], pre_dropped, name, started, True)
        model = _Model(problem, kept)
        # Stops no vehicle can serve are priced in the objective but never seen by OR-Tools.
        base = dropped_penalty(problem, pre_dropped)
        progress = Progress(
            max(0.0, time_limit_s - (time.perf_counter() - started)),
            on_progress,
            should_stop,
        )
        planned, found = model.run(
            progress, base, self.first_solution, self.metaheuristic, initial_routes
        )
        return assemble(problem, planned, pre_dropped, name, started, found)


class _Model:
    def __init__(self, problem: DayProblem, kept: list[int]) -> None:
        self.problem = problem
        self.kept = kept
        n_depots = len(problem.depots)
        self.loc_ids = list(range(n_depots)) + [problem.stop_location(s) for s in kept]
        vehicles = problem.vehicles
        self.manager = pywrapcp.RoutingIndexManager(
            len(self.loc_ids),
            len(vehicles),
            [v.start_depot for v in vehicles],
            [v.end_depot for v in vehicles],
        )
        self.routing = pywrapcp.RoutingModel(self.manager)
        travel = problem.travel.subset(self.loc_ids)
        self._arc_costs(travel.distance)
        self._capacity()
        self._range(travel.distance)
        self.time = self._time(travel.duration)
        self._drops_and_pins()
        self.breaks = self._breaks()

    def node_of_index(self, index: int) -> int:
        return self.manager.IndexToNode(index)

    def _arc_costs(self, distance) -> None:
        routing = self.routing
        per_cost: dict[int, int] = {}
        for v, spec in enumerate(self.problem.vehicles):
            if spec.cost_per_km not in per_cost:
                matrix = (distance * spec.cost_per_km).tolist()
                per_cost[spec.cost_per_km] = routing.RegisterTransitMatrix(matrix)
            routing.SetArcCostEvaluatorOfVehicle(per_cost[spec.cost_per_km], v)

    def _capacity(self) -> None:
        demands = [0] * len(self.problem.depots) + [self.problem.stops[s].demand for s in self.kept]
        cb = self.routing.RegisterUnaryTransitVector(demands)
        caps = [v.capacity for v in self.problem.vehicles]
        self.routing.AddDimensionWithVehicleCapacity(cb, 0, caps, True, "load")

    def _range(self, distance) -> None:
        """Electric vans' range less the reserve, as a cap on each route's distance."""
        limits = [v.max_distance_m for v in self.problem.vehicles]
        if all(m is None for m in limits):
            return
        cb = self.routing.RegisterTransitMatrix(distance.tolist())
        longest = int(distance.sum()) + 1
        caps = [longest if m is None else m for m in limits]
        self.routing.AddDimensionWithVehicleCapacity(cb, 0, caps, True, "distance")

    def _time(self, duration):
        problem, routing, manager = self.problem, self.routing, self.manager
        service = [0] * len(problem.depots) + [problem.stops[s].service_s for s in self.kept]
        self.service = service
        # Service happens at the origin of an arc, so it rides on every outgoing arc.
        transit = (duration + [[s] for s in service]).tolist()
        cb = routing.RegisterTransitMatrix(transit)
        horizon = MAX_TIME_S
        routing.AddDimension(cb, horizon, horizon, False, "time")
        dim = routing.GetDimensionOrDie("time")
        for j, s in enumerate(self.kept):
            window = problem.stops[s].window
            if window is not None:
                index = manager.NodeToIndex(len(problem.depots) + j)
                dim.CumulVar(index).SetRange(window[0], window[1])
        for v, spec in enumerate(problem.vehicles):
            dim.CumulVar(routing.Start(v)).SetRange(spec.shift_start_s, spec.shift_end_s)
            dim.CumulVar(routing.End(v)).SetRange(spec.shift_start_s, spec.shift_end_s)
            if spec.max_duration_s is not None:
                dim.SetSpanUpperBoundForVehicle(spec.max_duration_s, v)
            routing.AddVariableMaximizedByFinalizer(dim.CumulVar(routing.Start(v)))
            routing.AddVariableMinimizedByFinalizer(dim.CumulVar(routing.End(v)))
        if problem.balance_weight:
            dim.SetGlobalSpanCostCoefficient(problem.balance_weight * COST_SCALE)
        return dim

    def _drops_and_pins(self) -> None:
        problem, routing, manager = self.problem, self.routing, self.manager
        vehicle_of = problem.vehicle_index()
        for j, s in enumerate(self.kept):
            stop = problem.stops[s]
            index = manager.NodeToIndex(len(problem.depots) + j)
            penalty = problem.penalty_of(stop)
            if penalty is not None:
                routing.AddDisjunction([index], penalty * COST_SCALE)
            if stop.vehicle_id is not None:
                # SetAllowedVehiclesForIndex's list argument does not convert in 9.15's
                # Python binding; restricting the vehicle variable is equivalent (-1 is
                # "not served", which the disjunction prices).
                routing.VehicleVar(index).SetValues([-1, vehicle_of[stop.vehicle_id]])

    def _breaks(self) -> dict[int, object]:
        solver = self.routing.solver()
        visit = [
            self.service[self.node_of_index(i)] if not self.routing.IsStart(i) else 0
            for i in range(self.routing.Size())
        ]
        breaks = {}
        for v, spec in enumerate(self.problem.vehicles):
            b = spec.rest_break
            if b is None:
                continue
            interval = solver.FixedDurationIntervalVar(
                b.earliest_s, b.latest_s, b.duration_s, False, f"break {spec.id}"
            )
            self.time.SetBreakIntervalsOfVehicle([interval], v, visit)
            # OR-Tools would also accept a break before departure or after return; a
            # driver takes it on shift, so keep it inside the route.
            solver.Add(interval.StartExpr() >= self.time.CumulVar(self.routing.Start(v)))
            solver.Add(interval.EndExpr() <= self.time.CumulVar(self.routing.End(v)))
            breaks[v] = interval
        return breaks

    def run(self, progress: Progress, base: int, first, meta, initial_routes) -> tuple[list, bool]:
        routing = self.routing
        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = first
        params.local_search_metaheuristic = meta
        remaining = max(0.01, progress.deadline - time.perf_counter())
        params.time_limit.FromMilliseconds(int(remaining * 1000))
        for interval in self.breaks.values():
            routing.AddIntervalToAssignment(interval)
        routing.CloseModelWithParameters(params)
        # CostVar() exists only once the model is closed; asked earlier, it closes the
        # model itself with default parameters and the callback below never fires.
        cost_var = routing.CostVar()

        def on_solution() -> None:
            if progress.tick(base + cost_var.Value() / COST_SCALE):
                routing.solver().FinishCurrentSearch()

        # Guided local search reports every accepted move as a solution, so this callback
        # runs often enough to poll cancellation. (A Solver.CustomLimit monitor would poll
        # more often, but with it OR-Tools 9.15 returns no assignment at all.)
        routing.AddAtSolutionCallback(on_solution)

        assignment = None
        if initial_routes:
            seed = self._seed(initial_routes)
            if seed is not None:
                assignment = routing.SolveFromAssignmentWithParameters(seed, params)
        if assignment is None and not progress.cancelled:
            assignment = routing.SolveWithParameters(params)
        optional = self.problem.drop_penalty is not None
        if assignment is None and optional and not progress.cancelled:
            # Path-building first solutions can fail under tight breaks and shifts; serving
            # nobody is always valid when stops are optional, and the search goes on from it.
            params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.ALL_UNPERFORMED
            remaining = max(0.05, progress.deadline - time.perf_counter())
            params.time_limit.FromMilliseconds(int(remaining * 1000))
            assignment = routing.SolveWithParameters(params)
        if assignment is None:
            # With optional stops an empty plan is still a valid one.
            return [], optional
        return restore_high_priority(self.problem, self._read(assignment), self.kept), True

    def _seed(self, initial_routes):
        node_of_stop = {s: len(self.problem.depots) + j for j, s in enumerate(self.kept)}
        routes = []
        for v in range(len(self.problem.vehicles)):
            stops = initial_routes.get(v, ())
            routes.append(
                [self.manager.NodeToIndex(node_of_stop[s]) for s in stops if s in node_of_stop]
            )
        # RoutesToAssignment only sets the successor variables; ReadAssignmentFromRoutes
        # would also search for break and time values, which took the whole time limit.
        assignment = self.routing.solver().Assignment()
        if not self.routing.RoutesToAssignment(routes, True, False, assignment):
            return None
        return assignment

    def _read(self, assignment) -> list[PlannedRoute]:
        routing, planned = self.routing, []
        n_depots = len(self.problem.depots)
        for v in range(len(self.problem.vehicles)):
            index = assignment.Value(routing.NextVar(routing.Start(v)))
            stops = []
            while not routing.IsEnd(index):
                stops.append(self.kept[self.node_of_index(index) - n_depots])
                index = assignment.Value(routing.NextVar(index))
            if not stops:
                continue
            departure = break_start = None
            if v in self.breaks:
                departure = assignment.Value(self.time.CumulVar(routing.Start(v)))
                break_start = assignment.StartValue(self.breaks[v])
            planned.append(PlannedRoute(v, tuple(stops), departure, break_start))
        return planned
