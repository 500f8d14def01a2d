"""Route optimiser: plain Python, numpy, PyVRP and OR-Tools, and nothing from the app.

Build a `DayProblem` from depots, stops and vehicles, call `solve()`, get a `DaySolution`;
`check_feasible()` tells whether any plan really fits the day.
"""

from .check import check_feasible, find_violations
from .engines import AutoEngine, Engine, OrToolsEngine, PyVrpEngine, SearchSettings, get_engine
from .matrix import (
    EuclideanProvider,
    HaversineProvider,
    LatLon,
    Location,
    OsrmTableProvider,
    Point,
    TravelMatrices,
    TravelTimeProvider,
)
from .partition import partition_stops, solve_partitioned
from .planner import solve
from .problem import Break, DayProblem, Depot, StopSpec, VehicleSpec
from .solution import DaySolution, DroppedStop, RouteResult
from .violations import Violation, ViolationKind

__all__ = [
    "AutoEngine",
    "Break",
    "DayProblem",
    "DaySolution",
    "Depot",
    "DroppedStop",
    "Engine",
    "EuclideanProvider",
    "HaversineProvider",
    "LatLon",
    "Location",
    "OrToolsEngine",
    "OsrmTableProvider",
    "Point",
    "PyVrpEngine",
    "RouteResult",
    "SearchSettings",
    "StopSpec",
    "TravelMatrices",
    "TravelTimeProvider",
    "VehicleSpec",
    "Violation",
    "ViolationKind",
    "check_feasible",
    "find_violations",
    "get_engine",
    "partition_stops",
    "solve",
    "solve_partitioned",
]
