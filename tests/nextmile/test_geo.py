"""One earth, one radius: the project's geodesy and the solver's agree."""

import pytest

from dsps.geometry import haversine_km
from nextmile import geo
from routes.optimizer import matrix

# A city block apart and across the country, as a surveyor's table gives them.
NEW_YORK, LOS_ANGELES = (40.7128, -74.0060), (34.0522, -118.2437)


def test_the_solver_and_the_project_use_the_same_earth_radius():
    assert matrix.EARTH_RADIUS_M == geo.EARTH_RADIUS_M


def test_distances_agree_wherever_they_are_read():
    metres = geo.metres_between(NEW_YORK, LOS_ANGELES)
    assert metres == pytest.approx(3_935_746, rel=1e-4)
    assert haversine_km(*NEW_YORK, *LOS_ANGELES) * 1000 == pytest.approx(metres)


def test_an_area_covers_points_inside_and_legs_that_cross_it():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    area = geo.Area(square)
    assert area.covers((0.5, 0.5)) and area.covers((0, 0.5))  # inside, on the edge
    assert not area.covers((1.5, 0.5))
    # a leg from west to east of the square crosses it though neither end is inside
    assert area.touches_leg((0.5, -1), (0.5, 2))
    assert not area.touches_leg((2, -1), (2, 2))
