"""The API schema says a territory may have no DSP and an application no requested territory."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def components():
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def test_a_territory_without_a_dsp_is_documented_as_nullable(components):
    assert components["Territory"]["properties"]["dsp"]["nullable"] is True


def test_an_application_without_a_territory_is_documented_as_nullable(components):
    assert components["Application"]["properties"]["requested_territory"]["nullable"] is True
