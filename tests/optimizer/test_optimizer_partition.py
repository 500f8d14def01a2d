import random

import pytest

from routes.optimizer import (
    DayProblem,
    Depot,
    LatLon,
    StopSpec,
    VehicleSpec,
    check_feasible,
    partition_stops,
    solve_partitioned,
)


def _two_towns(n_each: int = 30) -> DayProblem:
    rng = random.Random(5)
    stops = []
    for town, (lat, lon) in enumerate([(50.00, 8.00), (50.30, 8.40)]):
        for i in range(n_each):
            location = LatLon(lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.01, 0.01))
            stops.append(StopSpec(f"t{town}-{i}", location, demand=1, service_s=60))
    vans = [VehicleSpec(f"v{k}", 40, 8 * 3600, 18 * 3600) for k in range(4)]
    return DayProblem([Depot("D", LatLon(50.15, 8.20))], stops, vans)


@pytest.mark.parametrize("method", ["bisect", "sweep"])
def test_two_towns_become_two_parts(method):
    # given
    problem = _two_towns()
    # when
    parts = partition_stops(problem, max_stops=30, method=method)
    # then
    towns = [sorted({problem.stops[i].id.split("-")[0] for i in part}) for part in parts]
    assert sorted(len(p) for p in parts) == [30, 30]
    assert sorted(towns) == [["t0"], ["t1"]]


def test_every_stop_is_in_exactly_one_part():
    problem = _two_towns(50)
    parts = partition_stops(problem, max_stops=17)
    assert sorted(i for p in parts for i in p) == list(range(100))
    assert max(len(p) for p in parts) <= 17


def test_partitioned_solve_serves_every_stop_feasibly():
    # given
    problem = _two_towns()
    # when
    solution = solve_partitioned(problem, 2, max_stops=30)
    # then
    assert solution.dropped == ()
    assert check_feasible(problem, solution) == []
    assert len({r.vehicle_id for r in solution.routes}) == len(solution.routes)


def test_a_cancelled_partitioned_solve_drops_what_it_did_not_reach():
    problem = _two_towns()
    solution = solve_partitioned(problem, 2, max_stops=30, should_stop=lambda: True)
    assert solution.routes == ()
    assert {d.reason for d in solution.dropped} == {"the planning run was cancelled."}
    assert check_feasible(problem, solution) == []


def test_partition_refuses_nonsense():
    with pytest.raises(ValueError, match="at least one stop"):
        partition_stops(_two_towns(), max_stops=0)
    with pytest.raises(ValueError, match="Unknown partition method 'kmeans'"):
        partition_stops(_two_towns(), method="kmeans")
