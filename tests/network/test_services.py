"""Proposing, applying and offering: the writes of the program console."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count

from dsps.models import AuditEvent
from network import services
from network.models import AllocationProposal, PeakLeaseOffer
from routes.models import Manifest, Package, Stop
from routes.planning.jobs import stops_reallocate
from tests.dsps.factories import square
from tests.network.factories import overflow_world, stops_in
from tests.routes.factories import RouteFactory, RouteStopFactory


def _holders(world) -> dict[int, int | None]:
    return dict(Stop.objects.filter(manifest=world.manifest).values_list("id", "dsp_id"))


def test_the_proposal_spreads_overflow_and_uncovered_stops_by_spare_capacity_and_tier(staff):
    # given: A is 4 stops over its capacity of 5; 2 stops lie in a territory with no holder
    world = overflow_world()
    before = _holders(world)
    # when
    proposal = services.allocation_propose(
        user=staff, station=world.station, service_date=world.day
    )
    # then: 6 stops to move, B (fantastic, spare 7) takes 4 and C (fair, spare 8) takes 2
    received = {}
    for move in proposal.moves:
        received[move["to"]] = received.get(move["to"], 0) + 1
    assert received == {world.b.pk: 4, world.c.pk: 2}
    assert sum(1 for m in proposal.moves if m["from"] is None) == 2
    assert proposal.unplaced == 0
    after = {row["name"]: row["stops"] for row in proposal.after["rows"]}
    assert after == {world.a.name: 5, world.b.name: 7, world.c.name: 4}
    assert proposal.before["index"] == 44.3
    assert proposal.after["index"] == 15.0
    assert _holders(world) == before  # a proposal moves nothing


def test_applying_moves_stops_and_packages_once_and_is_audited(staff):
    world = overflow_world()
    proposal = services.allocation_propose(
        user=staff, station=world.station, service_date=world.day
    )
    # when
    services.allocation_apply(user=staff, proposal=proposal)
    # then
    counts = dict(
        Stop.objects.filter(manifest=world.manifest)
        .values_list("dsp_id")
        .annotate(n=Count("id"))
        .values_list("dsp_id", "n")
    )
    assert counts == {world.a.pk: 5, world.b.pk: 7, world.c.pk: 4}
    moved = [m["stop"] for m in proposal.moves]
    assert set(Package.objects.filter(stop_id__in=moved).values_list("dsp_id", flat=True)) <= {
        world.b.pk,
        world.c.pk,
    }
    assert not Package.objects.filter(stop_id__in=moved, dsp=world.a).exists()
    event = AuditEvent.objects.get(verb="allocation.apply")
    assert event.actor == staff and event.data["moved"] == 6
    # when: applied a second time
    holders = _holders(world)
    again = services.allocation_apply(user=staff, proposal=proposal)
    # then: nothing changes, no second audit event
    assert again.status == AllocationProposal.Status.APPLIED
    assert _holders(world) == holders
    assert AuditEvent.objects.filter(verb="allocation.apply").count() == 1


def test_a_stale_proposal_is_refused_and_nothing_moves(staff):
    world = overflow_world()
    proposal = services.allocation_propose(
        user=staff, station=world.station, service_date=world.day
    )
    # given: a stop of the day is put on a route after the proposal
    stop = Stop.objects.filter(manifest=world.manifest, dsp=world.b).first()
    RouteStopFactory(stop=stop, route=RouteFactory(dsp=world.b, service_date=world.day))
    holders = _holders(world)
    # when / then
    with pytest.raises(ValidationError) as error:
        services.allocation_apply(user=staff, proposal=proposal)
    assert "changed since this proposal" in error.value.message_dict["proposal"][0]
    assert _holders(world) == holders
    proposal.refresh_from_db()
    assert proposal.status == AllocationProposal.Status.PROPOSED
    assert not AuditEvent.objects.filter(verb="allocation.apply").exists()


def test_a_dsp_owner_can_neither_propose_nor_apply(staff, owner):
    world = overflow_world()
    with pytest.raises(PermissionDenied):
        services.allocation_propose(user=owner, station=world.station, service_date=world.day)
    proposal = services.allocation_propose(
        user=staff, station=world.station, service_date=world.day
    )
    holders = _holders(world)
    with pytest.raises(PermissionDenied):
        services.allocation_apply(user=owner, proposal=proposal)
    assert _holders(world) == holders


def test_a_day_without_stops_gets_a_message_on_date(staff):
    world = overflow_world()
    with pytest.raises(ValidationError) as error:
        services.allocation_propose(
            user=staff, station=world.station, service_date=world.day + timedelta(days=3)
        )
    assert "No stops" in error.value.message_dict["date"][0]


def _history(world, days: int, per_day: int) -> None:
    for back in range(1, days + 1):
        manifest = Manifest.objects.create(
            station=world.station, service_date=world.day - timedelta(days=back)
        )
        stops_in(manifest, world.b, square(0.05, 0.0), per_day, start=10_000 * back)


def test_peak_offers_go_to_each_dsp_in_proportion_and_sending_again_updates_them(staff):
    # given: 5 vans (25 stops a day) against a steady 40 stops a day → 8 vans, 3 short
    world = overflow_world()
    _history(world, 28, 40)
    # when
    offers = services.peak_offers_send(user=staff, station=world.station)
    # then: 3 vans split 1 : 2 : 2 by current vans (0.6, 1.2, 1.2 → largest remainder to A)
    by_dsp = {o.dsp_id: o.vans for o in offers}
    assert by_dsp == {world.a.pk: 1, world.b.pk: 1, world.c.pk: 1}
    assert all(o.total_cost > 0 and o.ends_on >= o.starts_on for o in offers)
    assert AuditEvent.objects.filter(verb="peak.offer").count() == len(offers)
    # when: sent again
    services.peak_offers_send(user=staff, station=world.station)
    # then: the same offers, not new ones
    assert PeakLeaseOffer.objects.count() == len(offers)


def test_no_offers_when_the_forecast_fits_what_is_leased(staff):
    world = overflow_world()
    _history(world, 28, 10)
    with pytest.raises(ValidationError) as error:
        services.peak_offers_send(user=staff, station=world.station)
    assert "nothing to offer" in error.value.message_dict["station"][0]
    assert not PeakLeaseOffer.objects.exists()


def test_a_station_may_carry_its_own_stops_per_route(staff, settings):
    world = overflow_world()
    settings.NETWORK_STOPS_PER_ROUTE_BY_STATION = {world.station.code: 9}
    proposal = services.allocation_propose(
        user=staff, station=world.station, service_date=world.day
    )
    # A now carries its 9 stops on its one van: only the 2 uncovered stops move
    assert proposal.stops_per_route == 9
    assert sorted(m["from"] is None for m in proposal.moves) == [True, True]


def test_the_routes_service_refuses_a_stop_that_changed_hands_and_moves_nothing(staff):
    world = overflow_world()
    a_stop, b_stop = (
        Stop.objects.filter(manifest=world.manifest, dsp=dsp).first() for dsp in (world.a, world.b)
    )
    holders = _holders(world)
    with pytest.raises(ValidationError) as error:
        stops_reallocate(
            user=staff,
            station=world.station,
            service_date=world.day,
            moves=[(a_stop.pk, world.a.pk, world.c.pk), (b_stop.pk, world.a.pk, world.c.pk)],
        )
    assert "changed hands" in error.value.message_dict["stop"][0]
    assert _holders(world) == holders
    other_station = overflow_world()
    with pytest.raises(ValidationError) as error:
        stops_reallocate(
            user=staff,
            station=world.station,
            service_date=world.day,
            moves=[(a_stop.pk, world.a.pk, other_station.b.pk)],
        )
    assert "not active at this station" in error.value.message_dict["dsp"][0]
    assert _holders(world) == holders
