"""Names and addresses that reach maps, pages and PDFs refuse markup and control characters."""

import pytest
from django.core.exceptions import ValidationError

from dsps.services import application_start
from routes.models import Package
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import StationFactory, UserFactory
from tests.routes.test_imports import _import, csv_file, dispatcher  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_business_name_with_markup_is_refused_on_its_field():
    with pytest.raises(ValidationError) as caught:
        application_start(
            user=UserFactory(), business_name="Fast <b>Co</b>", station=StationFactory()
        )
    assert "cannot contain < or >" in caught.value.message_dict["business_name"][0]


def test_a_driver_name_with_markup_or_a_control_character_is_refused():
    driver = DriverFactory.build(dsp=DriverFactory().dsp, first_name='<img src="x">')
    with pytest.raises(ValidationError) as caught:
        driver.full_clean()
    assert "first_name" in caught.value.message_dict
    driver.first_name, driver.last_name = "Ana", "Lo\x1bpez"
    with pytest.raises(ValidationError) as caught:
        driver.full_clean()
    assert "control character" in caught.value.message_dict["last_name"][0]


def test_a_manifest_address_with_markup_is_a_row_error(dispatcher):  # noqa: F811
    upload = csv_file(
        "P1,A. Smith,3500 Maple Ave,32.806100,-96.806400,,,1,normal",
        "P2,B. Ng,<script>window.pwned=1</script>,32.806100,-96.806400,,,1,normal",
    )
    with pytest.raises(ValidationError) as caught:
        _import(dispatcher, upload)
    assert [(e["row"], e["column"]) for e in caught.value.row_errors] == [(3, "address")]
    assert "cannot contain < or >" in caught.value.row_errors[0]["message"]
    assert not Package.objects.exists()
