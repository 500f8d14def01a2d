"""The network API: staff see every DSP; an owner reads its own row; the rest is staff-only."""

import pytest
from django.urls import reverse

from dsps.models import Role
from network.models import PeakLeaseOffer
from routes.models import Stop
from tests.dsps.factories import MembershipFactory
from tests.network.factories import overflow_world


def test_staff_read_every_dsp_row_and_an_owner_only_its_own(client, staff):
    world = overflow_world()
    where = {"station": world.station.pk, "date": world.day.isoformat()}
    client.force_login(staff)
    rows = client.get(reverse("api:network-dsps"), where).json()["results"]
    assert [(r["name"], r["stops"], r["capacity"]) for r in rows] == [
        (world.a.name, 9, 5),
        (world.b.name, 3, 10),
        (world.c.name, 2, 10),
    ]
    client.force_login(MembershipFactory(dsp=world.b, role=Role.OWNER).user)
    rows = client.get(reverse("api:network-dsps"), where).json()["results"]
    assert [(r["name"], r["volume_share"], r["capacity_share"]) for r in rows] == [
        (world.b.name, 21.4, 40.0)
    ]


@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.DRIVER])
def test_other_dsp_roles_are_refused(client, db, role):
    world = overflow_world()
    client.force_login(MembershipFactory(dsp=world.a, role=role).user)
    assert client.get(reverse("api:network-dsps"), {"station": world.station.pk}).status_code == 403


def test_owners_are_refused_the_staff_only_endpoints(client, db):
    world = overflow_world()
    client.force_login(MembershipFactory(dsp=world.a, role=Role.OWNER).user)
    where = {"station": world.station.pk}
    assert client.get(reverse("api:network-coverage"), where).status_code == 403
    assert client.get(reverse("api:network-peak-plan"), where).status_code == 403
    response = client.post(
        reverse("api:network-allocation-list"),
        {"station": world.station.pk, "date": world.day.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_coverage_lists_gaps(client, staff):
    world = overflow_world()
    client.force_login(staff)
    data = client.get(reverse("api:network-coverage"), {"station": world.station.pk}).json()
    assert data["uncovered_count"] == 2
    assert sorted(s["id"] for s in data["uncovered"]) == sorted(s.pk for s in world.uncovered)
    assert len(data["unassigned_territories"]) == 1
    assert {t["holder"] for t in data["territories"]} == {
        world.a.name,
        world.b.name,
        world.c.name,
        "",
    }


def test_propose_apply_and_stale_through_the_api(client, staff):
    world = overflow_world()
    client.force_login(staff)
    body = {"station": world.station.pk, "date": world.day.isoformat()}
    url = reverse("api:network-allocation-list")
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201
    assert first.json()["before"]["index"] == 44.3 and first.json()["after"]["index"] == 15.0
    second = client.post(url, body, content_type="application/json").json()
    apply = lambda pk: client.post(reverse("api:network-allocation-apply", kwargs={"pk": pk}))  # noqa: E731
    # when: the first is applied, the day changes and the second is stale
    assert apply(first.json()["id"]).json()["status"] == "applied"
    stale = apply(second["id"])
    assert stale.status_code == 400
    assert "changed since this proposal" in stale.json()["proposal"][0]
    assert Stop.objects.filter(manifest=world.manifest, dsp=world.b).count() == 7
    # applying the first again changes nothing
    assert apply(first.json()["id"]).status_code == 200
    assert Stop.objects.filter(manifest=world.manifest, dsp=world.b).count() == 7


def test_bad_input_is_a_400_naming_the_field(client, staff):
    overflow_world()
    client.force_login(staff)
    assert "station" in client.get(reverse("api:network-dsps"), {"station": 999999}).json()
    assert "date" in client.get(reverse("api:network-dsps"), {"date": "soon"}).json()
    response = client.post(reverse("api:network-peak-offers"), {}, content_type="application/json")
    assert response.status_code == 400 and "station" in response.json()


def test_peak_offers_are_listed_to_their_dsp_only(client, staff):
    world = overflow_world()
    offer = world.a.leases.first().offer
    for dsp in (world.a, world.b):
        PeakLeaseOffer.objects.create(
            dsp=dsp,
            vehicle_offer=offer,
            vans=2,
            starts_on=world.day,
            ends_on=world.day,
            monthly_rate=offer.rate_after_discount,
            total_cost="100.00",
        )
    client.force_login(MembershipFactory(dsp=world.a, role=Role.DISPATCHER).user)
    rows = client.get(reverse("api:network-peak-offers")).json()["results"]
    assert [r["dsp"] for r in rows] == [world.a.pk]
    client.force_login(staff)
    assert client.get(reverse("api:network-peak-offers")).json()["count"] == 2


@pytest.mark.parametrize("scale", [1, 6])
def test_endpoints_use_a_fixed_number_of_queries(
    client, staff, django_assert_max_num_queries, scale
):
    world = overflow_world(scale=scale)
    client.force_login(staff)
    where = {"station": world.station.pk, "date": world.day.isoformat()}
    for name, limit in (
        ("api:network-dsps", 7),
        ("api:network-coverage", 10),
        ("api:network-peak-plan", 9),
    ):
        with django_assert_max_num_queries(limit):
            assert client.get(reverse(name), where).status_code == 200
