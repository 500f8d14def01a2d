import pytest

from tests.network.factories import STOPS_PER_ROUTE


@pytest.fixture(autouse=True)
def small_routes(settings):
    settings.PROGRAM_STOPS_PER_ROUTE = STOPS_PER_ROUTE
