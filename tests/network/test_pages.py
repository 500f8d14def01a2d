"""The console's pages: figures staff would read, CSV, refusals and pinned query counts."""

import csv
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dsps.models import Role, Station, Territory
from dsps.services import territory_assign
from network import services
from network.models import PeakLeaseOffer
from routes.models import Package, Stop
from tests.dsps.factories import MembershipFactory
from tests.fleet.factories import LeaseFactory
from tests.network.factories import overflow_world


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_dashboard_shows_capacity_shares_and_gaps(client, staff):
    world = overflow_world()
    client.force_login(staff)
    response = client.get(reverse("network:dashboard"), {"station": world.station.pk})
    page = response.content.decode()
    assert response.status_code == 200
    # A: 9 stops for 1 van × 5; shares of 14 stops and 25 stop-capacity
    assert f"{world.a.name} has 9 stops for a capacity of 5 (1 vans × 5)" in page
    assert "64.3 %" in page and "20.0 %" in page
    assert "2 stops lie in no held territory." in page
    assert "1 territories have no holder." in page
    assert "Great" in page and "99.1 %" in page


def test_the_dashboard_exports_its_tables_as_safe_csv(client, staff):
    world = overflow_world()
    Stop.objects.filter(pk=world.uncovered[0].pk).update(address="=HYPERLINK(1)")
    client.force_login(staff)
    url = reverse("network:dashboard")
    dsps = _rows(client.get(url, {"station": world.station.pk, "export": "dsps"}))
    assert dsps[0][:5] == ["dsp", "routes", "stops", "vans", "capacity"]
    assert [r[0] for r in dsps[1:]] == [world.a.name, world.b.name, world.c.name]
    assert dsps[1][2:5] == ["9", "1", "5"]
    uncovered = _rows(client.get(url, {"station": world.station.pk, "export": "uncovered"}))
    assert len(uncovered) == 3
    assert "'=HYPERLINK(1)" in [r[1] for r in uncovered]


@pytest.mark.parametrize("role", [Role.OWNER, Role.DISPATCHER, Role.DRIVER])
def test_dsp_roles_are_refused_the_console(client, db, role):
    world = overflow_world()
    client.force_login(MembershipFactory(dsp=world.a, role=role).user)
    for name in ("network:dashboard", "network:allocation", "network:peak"):
        response = client.get(reverse(name), {"station": world.station.pk})
        assert response.status_code == 403, name
    response = client.post(
        reverse("network:allocation") + f"?station={world.station.pk}&date={world.day}"
    )
    assert response.status_code == 403


def test_a_bad_station_or_date_falls_back_with_a_message(client, staff):
    world = overflow_world()
    client.force_login(staff)
    response = client.get(
        reverse("network:dashboard"), {"station": "x", "date": "31/12"}, follow=True
    )
    page = response.content.decode()
    assert "Choose one of the stations." in page
    assert "Give the date as YYYY-MM-DD." in page
    assert world.station.code in page


def test_proposing_and_applying_through_the_pages(client, staff):
    world = overflow_world()
    client.force_login(staff)
    url = reverse("network:allocation") + f"?station={world.station.pk}&date={world.day}"
    response = client.post(url, follow=True)
    page = response.content.decode()
    assert "6 stops to move" in page
    assert 'id="index-before">44.3<' in page and 'id="index-after">15.0<' in page
    proposal_pk = response.resolver_match.kwargs["pk"]
    apply_url = reverse("network:allocation-apply", kwargs={"pk": proposal_pk})
    # a bare POST only shows the confirmation step: nothing moves yet
    page = client.post(apply_url).content.decode()
    assert f"Move 6 stops on {world.day:%-d %b}" in page
    assert Stop.objects.filter(manifest=world.manifest, dsp__isnull=True).count() > 0
    confirm = _confirm_token(page)
    page = client.post(apply_url, {"confirm": confirm}, follow=True).content.decode()
    assert "Applied: 6 stops moved." in page
    page = client.post(apply_url, {"confirm": confirm}, follow=True).content.decode()
    assert "already applied; nothing changed" in page
    csv_rows = _rows(
        client.get(
            reverse("network:allocation-detail", kwargs={"pk": proposal_pk}), {"export": "csv"}
        )
    )
    assert len(csv_rows) == 7


def test_a_stale_proposal_is_refused_on_the_page(client, staff):
    world = overflow_world()
    proposal = services.allocation_propose(
        user=staff, station=world.station, service_date=world.day
    )
    Stop.objects.filter(pk=world.uncovered[0].pk).update(dsp=world.c)
    client.force_login(staff)
    url = reverse("network:allocation-apply", kwargs={"pk": proposal.pk})
    page = client.post(url, {"confirm": "0" * 64}, follow=True).content.decode()
    assert "changed since this proposal was made" in page
    assert Stop.objects.filter(manifest=world.manifest, dsp=world.b).count() == 3


def test_a_confirmation_opened_before_the_day_changed_is_refused(client, staff):
    world = overflow_world()
    proposal = services.allocation_propose(
        user=staff, station=world.station, service_date=world.day
    )
    client.force_login(staff)
    url = reverse("network:allocation-apply", kwargs={"pk": proposal.pk})
    confirm = _confirm_token(client.get(url).content.decode())
    # a confirmation that showed another state of the day is refused by the service itself
    with pytest.raises(ValidationError, match="changed after you opened the confirmation"):
        services.allocation_apply(user=staff, proposal=proposal, confirm="f" * 64)
    page = client.post(url, {"confirm": confirm}, follow=True).content.decode()
    assert "Applied: 6 stops moved." in page


def _confirm_token(page: str) -> str:
    return re.search(r'name="confirm" value="([0-9a-f]{64})"', page).group(1)


def test_the_peak_page_notes_a_short_history_and_offers_leases(client, staff):
    world = overflow_world()
    client.force_login(staff)
    response = client.get(reverse("network:peak"), {"station": world.station.pk})
    page = response.content.decode()
    assert "Only 1 days of manifest history" in page
    assert 'id="extra-vans">0<' in page
    rows = _rows(
        client.get(reverse("network:peak"), {"station": world.station.pk, "export": "csv"})
    )
    assert [r[0] for r in rows[1:]] == [world.a.name, world.b.name, world.c.name]


def test_no_station_yet_is_an_empty_state(client, staff):
    assert not Station.objects.exists()
    response = client.get(reverse("network:dashboard"))
    assert response.status_code == 302  # not signed in yet
    client.force_login(staff)
    assert "No station exists yet" in client.get(reverse("network:dashboard")).content.decode()


@pytest.mark.parametrize("scale", [1, 6])
def test_pages_use_a_fixed_number_of_queries(client, staff, django_assert_max_num_queries, scale):
    world = overflow_world(scale=scale)
    proposal = services.allocation_propose(
        user=staff, station=world.station, service_date=world.day
    )
    client.force_login(staff)
    where = {"station": world.station.pk, "date": world.day.isoformat()}
    with django_assert_max_num_queries(14):
        assert client.get(reverse("network:dashboard"), where).status_code == 200
    with django_assert_max_num_queries(8):
        assert (
            client.get(reverse("network:allocation-detail", kwargs={"pk": proposal.pk})).status_code
            == 200
        )
    with django_assert_max_num_queries(12):
        assert client.get(reverse("network:peak"), where).status_code == 200
    with django_assert_max_num_queries(16):
        response = client.post(
            reverse("network:allocation") + "?" + "&".join(f"{k}={v}" for k, v in where.items())
        )
        assert response.status_code == 302


def test_the_owner_sees_a_peak_offer_at_home_and_leasing_takes_it_up(client, db):
    from datetime import timedelta

    world = overflow_world()
    offer = world.a.leases.first().offer
    PeakLeaseOffer.objects.create(
        dsp=world.a,
        vehicle_offer=offer,
        vans=1,
        drivers=2,
        starts_on=world.day + timedelta(7),
        ends_on=world.day + timedelta(20),
        monthly_rate=offer.rate_after_discount,
        total_cost="560.00",
    )
    client.force_login(MembershipFactory(dsp=world.a, role=Role.OWNER).user)
    page = client.get(reverse("home")).content.decode()
    assert "Peak lease offers" in page and "and 2 more drivers" in page
    assert f"{reverse('fleet:lease-create')}?offer={offer.pk}" in page
    # when: the owner leases one peak van for the window (the fleet's lease flow)
    LeaseFactory(
        vehicle__dsp=world.a,
        offer=offer,
        is_peak=True,
        starts_on=world.day + timedelta(7),
        ends_on=world.day + timedelta(20),
    )
    page = client.get(reverse("home")).content.decode()
    assert "leased so far: 1" in page and "Taken up" in page
    # another DSP's owner sees nothing of it
    client.force_login(MembershipFactory(dsp=world.b, role=Role.OWNER).user)
    assert "Peak lease offers" not in client.get(reverse("home")).content.decode()


def test_the_uncovered_count_drops_when_a_territory_is_assigned(
    client, staff, django_capture_on_commit_callbacks
):
    # given: two stops of today in the station's unassigned territory
    world = overflow_world()
    client.force_login(staff)
    url = reverse("network:dashboard")
    before = client.get(url, {"station": world.station.pk}).content.decode()
    assert "2 stops lie in no held territory." in before
    # when: staff assign that territory to DSP C
    territory = Territory.objects.get(station=world.station, dsp__isnull=True)
    with django_capture_on_commit_callbacks(execute=True):
        territory_assign(territory=territory, dsp=world.c, by=staff, reason="Approved")
    # then: the network page no longer counts them, and DSP C holds them with their packages
    after = client.get(url, {"station": world.station.pk}).content.decode()
    assert "lie in no held territory" not in after
    stop_ids = [s.pk for s in world.uncovered]
    assert set(Stop.objects.filter(pk__in=stop_ids).values_list("dsp_id", flat=True)) == {
        world.c.pk
    }
    assert not Package.objects.filter(stop_id__in=stop_ids).exclude(dsp=world.c).exists()
