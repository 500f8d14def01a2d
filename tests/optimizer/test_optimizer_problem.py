import re

import numpy as np
import pytest

from routes.optimizer import (
    Break,
    DayProblem,
    Depot,
    LatLon,
    Point,
    StopSpec,
    TravelMatrices,
    VehicleSpec,
)
from tests.optimizer.helpers import line_day

HERE = LatLon(52.52, 13.40)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: StopSpec("a", HERE, window=(100, 50)), "Time window closes before it opens."),
        (lambda: StopSpec("a", HERE, demand=-1), "Demand cannot be negative."),
        (lambda: StopSpec("a", HERE, demand=1.5), "Demand must be a whole number."),
        (lambda: StopSpec("a", HERE, service_s=-5), "Service time must be between"),
        (lambda: StopSpec("a", HERE, priority="urgent"), 'Priority must be "normal" or "high".'),
        (lambda: StopSpec("", HERE), "Stop id must be a non-empty string."),
        (lambda: StopSpec("a", (52.5, 13.4)), "Stop location must be a LatLon or a Point."),
        (lambda: LatLon(91, 0), "Latitude 91 is not between -90 and 90."),
        (lambda: VehicleSpec("v", capacity=-1), "Capacity cannot be negative."),
        (
            lambda: VehicleSpec("v", 10, shift_start_s=500, shift_end_s=100),
            "Shift ends before it starts.",
        ),
        (lambda: VehicleSpec("v", 10, max_duration_s=0), "Maximum duration must be positive."),
        (lambda: Break(100, 50, 10), "Break window closes before it opens."),
        (lambda: Break(100, 200, 0), "Break duration must be positive."),
        (lambda: DayProblem([Depot("d", HERE)], [], []), "A day needs at least one vehicle."),
        (lambda: DayProblem([], [], [VehicleSpec("v", 1)]), "A day needs at least one depot."),
        (
            lambda: DayProblem(
                [Depot("d", HERE)],
                [StopSpec("a", HERE), StopSpec("a", HERE)],
                [VehicleSpec("v", 1)],
            ),
            "Two stops share the same stop id.",
        ),
        (
            lambda: DayProblem([Depot("d", HERE)], [], [VehicleSpec("v", 1, start_depot=1)]),
            "Vehicle v refers to depot 1, which does not exist.",
        ),
        (
            lambda: DayProblem(
                [Depot("d", HERE)], [StopSpec("a", HERE, vehicle_id="x")], [VehicleSpec("v", 1)]
            ),
            "Stop a is pinned to unknown vehicle x.",
        ),
        (
            lambda: DayProblem(
                [Depot("d", HERE)],
                [StopSpec("a", HERE)],
                [VehicleSpec("v", 1)],
                matrices=TravelMatrices(np.zeros((3, 3), int), np.zeros((3, 3), int)),
            ),
            "Matrices are 3 wide but the day has 2 locations (depots + stops).",
        ),
        (
            lambda: TravelMatrices(np.zeros((2, 2), int), np.zeros((3, 3), int)),
            "The distance and duration matrices differ in size.",
        ),
        (
            lambda: TravelMatrices(np.array([[0, -1], [1, 0]]), np.zeros((2, 2), int)),
            "The distance matrix holds a negative value.",
        ),
        (
            lambda: TravelMatrices(np.array([[0.0, 1.5], [1.5, 0.0]]), np.zeros((2, 2), int)),
            "The distance matrix must hold integers.",
        ),
        (
            lambda: line_day([1], drop_penalty=-1),
            "Drop penalty cannot be negative.",
        ),
        (lambda: line_day([1], balance_weight=-3), "Balance weight cannot be negative."),
    ],
)
def test_nonsense_is_rejected_with_a_sentence(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def test_a_stop_too_big_for_every_vehicle_is_not_an_input_error():
    # when
    problem = line_day([1], stop_kwargs={0: {"demand": 500}})
    # then
    assert problem.stops[0].demand == 500


def test_haversine_is_the_default_provider_and_matrices_are_built_once():
    # given
    problem = DayProblem(
        [Depot("d", HERE)], [StopSpec("a", LatLon(52.53, 13.40))], [VehicleSpec("v", 5)]
    )
    # when
    first = problem.travel
    # then
    assert first is problem.travel
    assert first.distance.shape == (2, 2)
    # 0.01 degree of latitude is 1,112 m; times the default circuity of 1.3.
    assert first.distance[0, 1] == pytest.approx(1446, abs=2)


def test_end_depot_defaults_to_start_depot():
    assert VehicleSpec("v", 1, start_depot=2).end_depot == 2


def test_high_priority_penalty_defaults_to_a_thousand_normal_ones():
    problem = line_day([1], drop_penalty=7000)
    assert problem.high_priority_penalty == 7_000_000
    assert problem.penalty_of(StopSpec("x", Point(0, 0), priority="high")) == 7_000_000


def test_high_priority_penalty_has_a_floor_when_normal_stops_are_cheap():
    assert line_day([1], drop_penalty=0).high_priority_penalty == 1_000_000
