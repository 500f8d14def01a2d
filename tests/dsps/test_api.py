"""The API: authentication, scoping, pagination and the schema."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dsps.models import Role
from tests.dsps.factories import (
    DspApplicationFactory,
    MembershipFactory,
    StaffFactory,
    TerritoryFactory,
)
from tests.fleet.factories import VehicleFactory


def test_token_authentication_and_me(db):
    member = MembershipFactory(role=Role.DISPATCHER)
    token = Token.objects.create(user=member.user)
    client = APIClient()
    assert client.get("/api/v1/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = client.get("/api/v1/me/").json()
    assert (body["role"], body["dsp"]["id"]) == ("dispatcher", member.dsp.id)


def test_vehicle_list_is_scoped_and_paginated(db):
    member = MembershipFactory()
    for _ in range(3):
        VehicleFactory(dsp=member.dsp)
    VehicleFactory()
    client = APIClient()
    client.force_authenticate(member.user)
    body = client.get(reverse("api:vehicle-list")).json()
    assert body["count"] == 3
    assert {v["dsp"] for v in body["results"]} == {member.dsp.id}


def test_filtering_by_status(db):
    staff = StaffFactory().user
    VehicleFactory(status="grounded")
    VehicleFactory()
    client = APIClient()
    client.force_authenticate(staff)
    assert client.get(reverse("api:vehicle-list"), {"status": "grounded"}).json()["count"] == 1


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/vehicles/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_a_dsp_is_its_id_with_its_code_beside_and_a_free_territory_has_none(db):
    # given: one held and one free territory; an application asking for no territory
    held = TerritoryFactory()
    free = TerritoryFactory(station=held.station, dsp=None)
    application = DspApplicationFactory(dsp__station=held.station)
    client = APIClient()
    client.force_authenticate(StaffFactory().user)
    # when
    territories = client.get("/api/v1/territories/", {"station": held.station.pk}).json()
    applied = client.get(f"/api/v1/applications/{application.pk}/").json()
    # then
    rows = {t["id"]: (t["dsp"], t["dsp_code"]) for t in territories["results"]}
    assert rows == {held.pk: (held.dsp.pk, held.dsp.code), free.pk: (None, None)}
    assert (applied["dsp"], applied["dsp_code"]) == (application.dsp.pk, application.dsp.code)
    assert (applied["requested_territory"], applied["requested_territory_code"]) == (None, None)
