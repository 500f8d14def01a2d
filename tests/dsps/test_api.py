"""The API: authentication, scoping, pagination and the schema."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dsps.models import Role
from tests.dsps.factories import MembershipFactory, StaffFactory
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
