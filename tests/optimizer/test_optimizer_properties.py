"""Whatever the day, every plan passes the checker and accounts for every stop once."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routes.optimizer import (
    Break,
    DayProblem,
    Depot,
    Point,
    StopSpec,
    TravelMatrices,
    VehicleSpec,
    check_feasible,
    solve,
)


@st.composite
def days(draw, breaks: bool) -> DayProblem:
    n = draw(st.integers(0, 12))
    point = st.tuples(st.integers(-50, 50), st.integers(-50, 50))
    coords = draw(st.lists(point, min_size=n + 1, max_size=n + 1))
    xy = np.array(coords, dtype=float)
    diff = xy[:, None, :] - xy[None, :, :]
    dist = np.rint(np.sqrt((diff**2).sum(axis=2))).astype(np.int64)
    stops = []
    for i in range(n):
        window = None
        if draw(st.booleans()):
            opens = draw(st.integers(0, 300))
            window = (opens, opens + draw(st.integers(0, 200)))
        stops.append(
            StopSpec(
                f"s{i}",
                Point(*coords[i + 1]),
                demand=draw(st.integers(0, 12)),
                service_s=draw(st.integers(0, 20)),
                window=window,
                priority=draw(st.sampled_from(["normal", "normal", "high"])),
            )
        )
    vans = []
    for k in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 100))
        end = start + draw(st.integers(50, 500))
        rest = None
        if breaks and draw(st.booleans()):
            b = draw(st.integers(start, end - 20))
            rest = Break(b, b + draw(st.integers(0, 50)), draw(st.integers(1, 20)))
        vans.append(
            VehicleSpec(
                f"v{k}",
                capacity=draw(st.integers(0, 30)),
                shift_start_s=start,
                shift_end_s=end,
                max_duration_s=draw(st.one_of(st.none(), st.integers(30, 400))),
                rest_break=rest,
            )
        )
    return DayProblem(
        [Depot("D", Point(*coords[0]))],
        stops,
        vans,
        matrices=TravelMatrices(dist, dist),
        drop_penalty=draw(st.integers(0, 5000)),
    )


FAST = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@FAST
@given(days(breaks=False))
def test_pyvrp_plans_are_always_feasible(problem):
    solution = solve(problem, 0.1, engine="pyvrp")
    assert solution.feasible
    assert check_feasible(problem, solution) == []


@FAST
@given(days(breaks=True))
def test_ortools_plans_are_always_feasible(problem):
    solution = solve(problem, 0.1, engine="ortools")
    assert solution.feasible
    assert check_feasible(problem, solution) == []


@FAST
@given(days(breaks=True))
def test_auto_plans_are_always_feasible(problem):
    solution = solve(problem, 0.2, engine="auto")
    assert check_feasible(problem, solution) == []
