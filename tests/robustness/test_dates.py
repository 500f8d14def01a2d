"""Days far outside the program's life get a 400 naming the problem, never an overflow 500."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dsps.models import Role
from routes.models import Manifest, PlanJob
from routes.services import manifest_import, plan_job_start
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory, StationFactory

pytestmark = pytest.mark.django_db

FAR = ["9999-12-31", "0001-01-01"]

PAGES = [
    ("owner", "/routes/board/?date={d}"),
    ("owner", "/routes/board/risk/?date={d}"),
    ("owner", "/billing/pay/drivers/?week={d}"),
    ("owner", "/billing/driver-pay.csv?week={d}"),
    ("driver", "/billing/pay/?week={d}"),
]

APIS = [
    ("owner", "/api/v1/live-board/?date={d}"),
    ("driver", "/api/v1/pay/week/?week={d}"),
    ("staff", "/api/v1/network/coverage/?date={d}"),
]


@pytest.fixture
def people():
    dsp = DspFactory(status="active")
    driver_member = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    DriverFactory(dsp=dsp, user=driver_member.user)
    return {
        "owner": MembershipFactory(dsp=dsp, role=Role.OWNER).user,
        "driver": driver_member.user,
        "staff": StaffFactory().user,
    }


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize(("who", "url"), PAGES)
def test_a_page_asked_for_a_far_day_says_which_days_are_allowed(client, people, who, url, day):
    client.force_login(people[who])
    response = client.get(url.format(d=day))
    assert response.status_code == 400
    assert "Give a date between 2000-01-01 and 2100-12-31." in response.content.decode()


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize(("who", "url"), APIS)
def test_an_endpoint_asked_for_a_far_day_answers_400_naming_the_field(
    client, people, who, url, day
):
    client.force_login(people[who])
    response = client.get(url.format(d=day))
    assert response.status_code == 400
    field = "week" if "week=" in url else "date"
    assert response.json()[field] == ["Give a date between 2000-01-01 and 2100-12-31."]


@pytest.mark.parametrize("day", FAR)
@pytest.mark.parametrize("path", ["/network/", "/network/allocation/"])
def test_the_network_pages_answer_a_far_day_with_a_400_and_the_message(client, people, day, path):
    client.force_login(people["staff"])
    response = client.get(f"{path}?date={day}")
    assert response.status_code == 400
    assert "Give a date between 2000-01-01 and 2100-12-31." in response.content.decode()


def test_the_network_page_shows_today_with_a_message_for_a_malformed_day(client, people):
    client.force_login(people["staff"])
    response = client.get("/network/?date=1-01-01")
    assert response.status_code == 200
    assert "Give the date as YYYY-MM-DD." in response.content.decode()


def test_a_page_asked_for_an_ordinary_day_still_answers(client, people):
    client.force_login(people["owner"])
    assert client.get("/routes/board/?date=2026-12-04").status_code == 200


def test_options_on_the_incentive_table_as_owner_is_not_a_server_error(client, people):
    client.force_login(people["owner"])
    response = client.options("/api/v1/pay/incentives/")
    assert response.status_code == 200
    assert "rates" in response.json()["actions"]["PUT"] or response.json()["actions"]["PUT"]


MESSAGE = "Give a date between 2000-01-01 and 2100-12-31."


@pytest.mark.parametrize("day", FAR)
def test_staff_cannot_queue_a_plan_for_a_far_day(client, people, day):
    station = StationFactory()
    client.force_login(people["staff"])
    response = client.post(
        "/api/v1/plan-jobs/", {"service_date": day, "station": station.pk}, "application/json"
    )
    assert response.status_code == 400
    assert response.json()["service_date"] == [MESSAGE]
    with pytest.raises(ValidationError) as caught:
        plan_job_start(
            user=people["staff"],
            station=station,
            service_date=date.fromisoformat(day),
            time_limit_s=5,
        )
    assert caught.value.message_dict == {"service_date": [MESSAGE]}
    assert not PlanJob.objects.exists()


@pytest.mark.parametrize("day", FAR)
def test_staff_cannot_import_a_manifest_for_a_far_day(client, people, day):
    station = StationFactory()
    client.force_login(people["staff"])
    body = b"tracking_id,recipient_name,address,latitude,longitude\nF1,A,1 Main St,32.8,-96.8\n"
    response = client.post(
        "/api/v1/manifests/import/",
        {
            "file": SimpleUploadedFile("m.csv", body, "text/csv"),
            "service_date": day,
            "station": station.pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["service_date"] == [MESSAGE]
    with pytest.raises(ValidationError) as caught:
        manifest_import(
            user=people["staff"],
            station=station,
            service_date=date.fromisoformat(day),
            upload=SimpleUploadedFile("m.csv", body, "text/csv"),
        )
    assert caught.value.message_dict == {"service_date": [MESSAGE]}
    assert not Manifest.objects.exists()
