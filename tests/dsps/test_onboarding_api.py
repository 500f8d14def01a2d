"""The onboarding API: applications, territories, requests and the audit trail."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from dsps.models import DspApplication, Role, Territory
from dsps.services import application_start
from tests.dsps.factories import (
    DspApplicationFactory,
    DspFactory,
    MembershipFactory,
    StaffFactory,
    StationFactory,
    TerritoryFactory,
    UserFactory,
    square,
)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_owner_fills_and_submits_its_application_through_the_api(db):
    user = UserFactory()
    application = application_start(
        user=user, business_name="Api Parcels", station=StationFactory()
    )
    client = api(user)
    response = client.patch(
        reverse("api:application-mine"),
        {
            "legal_name": "Api Parcels LLC",
            "entity_type": "llc",
            "contact_phone": "+1 214 555 0000",
            "business_address": "1 Main St",
            "experience": "Courier since 2019.",
            "planned_vans": 10,
            "planned_headcount": 22,
            "insurance_certificate": SimpleUploadedFile("i.pdf", b"%PDF-1.4 x"),
            "business_registration": SimpleUploadedFile("r.pdf", b"%PDF-1.4 y"),
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["has_insurance_certificate"] is True
    response = client.post(reverse("api:application-submit"))
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    # locked now
    response = client.patch(reverse("api:application-mine"), {"legal_name": "X"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()
    application.refresh_from_db()
    assert application.legal_name == "Api Parcels LLC"


def test_an_owner_lists_only_its_own_application(db):
    mine = DspApplicationFactory()
    MembershipFactory(user=mine.applicant, dsp=mine.dsp)
    DspApplicationFactory()
    body = api(mine.applicant).get(reverse("api:application-list")).json()
    assert [a["id"] for a in body["results"]] == [mine.id]


def test_staff_decide_through_the_api_and_a_second_decision_is_a_400(db):
    application = DspApplicationFactory()
    territory = TerritoryFactory(station=application.dsp.station, dsp=None)
    client = api(StaffFactory().user)
    url = reverse("api:application-decide", kwargs={"pk": application.pk})
    response = client.post(
        url,
        {"decision": "approve", "territory": territory.pk, "documents_verified": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    territory.refresh_from_db()
    assert territory.dsp_id == application.dsp_id
    response = client.post(url, {"decision": "reject", "reason": "late"}, format="json")
    assert response.status_code == 400
    assert "cannot be made twice" in response.json()["decision"][0]
    application.refresh_from_db()
    assert application.status == DspApplication.Status.APPROVED


def test_an_owner_cannot_decide(db):
    application = DspApplicationFactory()
    MembershipFactory(user=application.applicant, dsp=application.dsp)
    response = api(application.applicant).post(
        reverse("api:application-decide", kwargs={"pk": application.pk}),
        {"decision": "approve"},
        format="json",
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == DspApplication.Status.SUBMITTED


def test_staff_create_a_territory_and_an_overlap_is_a_400_naming_boundary(db):
    station = StationFactory()
    client = api(StaffFactory().user)
    body = {"station": station.code, "code": "T1", "name": "One", "boundary": square()}
    assert client.post(reverse("api:territory-list"), body, format="json").status_code == 201
    body = {**body, "code": "T2", "boundary": square(offset_lon=0.01)}
    response = client.post(reverse("api:territory-list"), body, format="json")
    assert response.status_code == 400
    assert "overlaps T1" in response.json()["boundary"][0]
    assert list(Territory.objects.values_list("code", flat=True)) == ["T1"]


def test_a_dsp_cannot_create_territories_and_sees_own_plus_open(db):
    station = StationFactory()
    mine = TerritoryFactory(station=station, boundary=square())
    TerritoryFactory(station=station, boundary=square(offset_lon=0.1))
    open_one = TerritoryFactory(station=station, dsp=None, boundary=square(offset_lon=0.2))
    client = api(MembershipFactory(dsp=mine.dsp, role=Role.OWNER).user)
    body = client.get(reverse("api:territory-list")).json()
    assert sorted(t["id"] for t in body["results"]) == sorted([mine.id, open_one.id])
    response = client.post(
        reverse("api:territory-list"),
        {"station": station.code, "code": "X", "name": "X", "boundary": square(0.5)},
        format="json",
    )
    assert response.status_code == 403


def test_territory_request_through_the_api(db):
    territory = TerritoryFactory(dsp=None)
    owner = MembershipFactory(dsp=DspFactory(station=territory.station)).user
    response = api(owner).post(
        reverse("api:territory-request-list"),
        {"territory": territory.pk, "kind": "acquire", "note": "more vans"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = api(StaffFactory().user).post(
        reverse("api:territory-request-decide", kwargs={"pk": response.json()["id"]}),
        {"decision": "reject", "reason": "Not yet"},
        format="json",
    )
    assert response.json()["status"] == "rejected"
    territory.refresh_from_db()
    assert territory.dsp is None


def test_audit_events_are_staff_only(db):
    application = DspApplicationFactory()
    staff = StaffFactory().user
    api(staff).post(
        reverse("api:application-decide", kwargs={"pk": application.pk}),
        {"decision": "reject", "reason": "No."},
        format="json",
    )
    body = api(staff).get(reverse("api:audit-event-list")).json()
    assert [(e["verb"], e["actor"], e["reason"]) for e in body["results"]] == [
        ("application.rejected", staff.email, "No.")
    ]
    owner = MembershipFactory(role=Role.OWNER).user
    assert api(owner).get(reverse("api:audit-event-list")).status_code == 403


def test_staff_add_and_change_stations_and_bad_hours_are_refused(db):
    client = api(StaffFactory().user)
    body = {
        "code": "DFW5",
        "name": "Fort Worth",
        "address": "1 Depot Rd, Fort Worth, TX",
        "latitude": "32.750000",
        "longitude": "-97.330000",
        "timezone": "America/Chicago",
        "opens_at": "06:00",
        "closes_at": "20:00",
    }
    response = client.post(reverse("api:station-list"), body, format="json")
    assert response.status_code == 201
    url = reverse("api:station-detail", kwargs={"pk": response.json()["id"]})
    response = client.patch(url, {"timezone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    assert "timezone" in response.json()
    response = client.patch(url, {"opens_at": "21:00"}, format="json")
    assert response.json() == {"closes_at": ["The station must close after it opens."]}
    assert client.patch(url, {"opens_at": "05:30"}, format="json").json()["opens_at"] == "05:30:00"


def test_dsp_roles_cannot_change_stations(db):
    station = StationFactory()
    client = api(MembershipFactory(role=Role.OWNER).user)
    url = reverse("api:station-detail", kwargs={"pk": station.pk})
    assert client.patch(url, {"name": "Mine now"}, format="json").status_code == 403
    station.refresh_from_db()
    assert station.name != "Mine now"
