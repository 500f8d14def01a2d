"""A re-plan proposal is typed values with explicit JSON round-trips; stored proposals of the
older shape still read, render and apply."""

import datetime
import json
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from dsps.models import Role
from routes.models import ReplanJob, RouteStop
from routes.replan.disruptions import replan_job_apply
from routes.replan.proposals import (
    DroppedStop,
    Meet,
    Move,
    Proposal,
    ProposedRoute,
    ProposedStop,
    Rescuer,
    RescuerKind,
    StandbyOffer,
)
from tests.dsps.factories import MembershipFactory
from tests.routes.live_factories import route_out

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
HALF_HOUR = datetime.timedelta(minutes=30)


def _every_part() -> Proposal:
    at = datetime.datetime(2026, 12, 4, 14, 5, tzinfo=CHICAGO)
    moved = ProposedStop(route_stop=7, address="12 Elm St", eta=at, from_route=3)
    return Proposal(
        routes=(
            ProposedRoute(route=4, code="R004", before=(5, 6), after=(moved,), finish=at),
            ProposedRoute(route=3, code="R003", before=(7,), after=()),
            ProposedRoute(route=None, code="R003-S", before=(), after=(), standby=True),
        ),
        moves=(
            Move(7, "12 Elm St", 3, "R003", 4, "R004", at - HALF_HOUR, at, "breakdown"),
            Move(8, "3 Oak", 3, "R003", None, "R003-S"),
        ),
        meets=(Meet("R003", "R004", 32.78, -96.8, 1, detour_min=6, handover_min=5),),
        dropped=(DroppedStop(9, "1 Far Rd", "its window closes before any van can reach it."),),
        standby=StandbyOffer("R003-S", 11, "Ana Ruiz", 12, "TX-1234", 32.78, -96.8, at),
        rescuer=Rescuer(RescuerKind.STANDBY, "No route out nearby has the time."),
        problems=("Stop 9 is planned before now.",),
        note="",
    )


def test_a_proposal_with_every_part_round_trips_through_json_unchanged():
    proposal = _every_part()
    stored = json.loads(json.dumps(proposal.to_json()))
    again = Proposal.from_json(stored)
    assert again == proposal
    # the times come back aware, in the zone they were written in
    assert again.routes[0].after[0].eta.utcoffset() == datetime.timedelta(hours=-6)
    assert again.standby.starts_at == proposal.standby.starts_at
    # and what the API shows keeps its keys
    assert stored["moves"][0] == {
        "route_stop": 7,
        "address": "12 Elm St",
        "from": 3,
        "from_code": "R003",
        "to": 4,
        "to_code": "R004",
        "old_eta": "2026-12-04T13:35:00-06:00",
        "new_eta": "2026-12-04T14:05:00-06:00",
        "reason": "breakdown",
    }
    assert again.moves[0].new_eta.utcoffset() == datetime.timedelta(hours=-6)
    assert again.moves[0].reason_label == "Vehicle breakdown / driver cannot continue"
    assert stored["rescuer"] == {"kind": "standby", "why": "No route out nearby has the time."}
    assert proposal.moves_from(3) == list(proposal.moves)
    assert proposal.meets_of("R004") == list(proposal.meets) and proposal.meets_of("R009") == []


def test_a_move_stored_before_its_times_and_reason_were_kept_reads_without_them():
    stored = {"route_stop": 7, "address": "12 Elm St", "from": 3, "from_code": "R003"}
    move = Move.from_json({**stored, "to": None, "to_code": "R003-S"})
    assert (move.old_eta, move.new_eta, move.reason, move.reason_label) == (None, None, "", "")
    assert move.to_route is None


def test_a_naive_time_in_a_stored_proposal_is_refused():
    data = _every_part().to_json()
    data["standby"]["starts_at"] = "2026-12-04T14:05:00"
    with pytest.raises(ValueError, match="standby start has no time zone"):
        Proposal.from_json(data)


def test_a_job_not_solved_yet_reads_as_an_empty_proposal():
    assert Proposal.from_json({}) == Proposal() and Proposal.from_json(None) == Proposal()


@pytest.mark.django_db
def test_a_proposal_stored_in_the_older_shape_renders_and_applies(client):
    # given: a proposal stored before moves, meets and the rescuer were typed: no
    # `from_route` on its stops, a meet without detour or handover, no rescuer
    route, _stops = route_out(stops=2, code="R-OLD")
    first, second = route.route_stops.order_by("sequence")
    eta = timezone.now() + datetime.timedelta(hours=1)
    job = ReplanJob.objects.create(
        dsp=route.dsp,
        service_date=route.service_date,
        kind=ReplanJob.Kind.REROUTE,
        status=ReplanJob.Status.PROPOSED,
        proposal={
            "routes": [
                {
                    "route": route.pk,
                    "code": route.code,
                    "before": [first.pk, second.pk],
                    "after": [
                        {
                            "route_stop": second.pk,
                            "address": second.stop.address,
                            "eta": eta.isoformat(),
                        },
                        {
                            "route_stop": first.pk,
                            "address": first.stop.address,
                            "eta": (eta + datetime.timedelta(minutes=9)).isoformat(),
                        },
                    ],
                    "finish": None,
                }
            ],
            "moves": [],
            "meets": [
                {"from_code": "R-X", "to_code": "R-OLD", "lat": 32.7, "lon": -96.8, "stops": 0}
            ],
            "dropped": [],
        },
    )
    user = MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user
    client.force_login(user)
    # when: the dispatcher opens it
    page = client.get(reverse("routes:replan-detail", args=[job.pk])).content.decode()
    # then: the new order with the station's local times
    local = timezone.localtime(eta, zoneinfo.ZoneInfo(route.station.timezone))
    assert f"{second.stop.address} · {local:%H:%M}" in page
    # and the API shows it in today's shape
    shown = client.get(reverse("api:replanjob-detail", args=[job.pk])).json()["proposal"]
    assert shown["meets"][0]["handover_min"] == 0
    assert shown["routes"][0]["after"][0]["from_route"] is None
    # when: applied
    replan_job_apply(user=user, job=job)
    # then: the routes follow it
    order = list(
        RouteStop.objects.filter(route=route).order_by("sequence").values_list("pk", flat=True)
    )
    assert order == [second.pk, first.pk]
