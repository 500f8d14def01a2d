"""The one call the app makes: plan a day with the engine that suits it."""

from __future__ import annotations

from .engines import get_engine
from .engines.common import ProgressCallback, StopCallback
from .problem import DayProblem
from .solution import DaySolution


def solve(
    problem: DayProblem,
    time_limit_s: float = 30.0,
    *,
    engine: str = "auto",
    seed: int = 1,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
) -> DaySolution:
    """Plan `problem` within about `time_limit_s` seconds of search.

    `engine`: "auto" (PyVRP, or PyVRP then OR-Tools when the day has breaks, pinned stops or
    balancing), "pyvrp" or "ortools". `seed` makes PyVRP's search repeatable.
    `on_progress(best_objective_cents, elapsed_s)` is called at most about once a second;
    `should_stop()` is polled a few times a second and, once True, the best plan so far is
    returned. Building the travel matrices and the model comes on top of the time limit.

    Raises `ValueError` for a negative time limit, an unknown engine, or (engine="pyvrp")
    a day PyVRP cannot model.
    """
    if not time_limit_s >= 0:
        raise ValueError("Time limit cannot be negative.")
    return get_engine(engine).solve(
        problem,
        time_limit_s,
        seed=seed,
        on_progress=on_progress,
        should_stop=should_stop,
    )
