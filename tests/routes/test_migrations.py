"""Data migrations: what was stored as English sentences becomes the facts it stated."""

import pytest

from routes.models import ReplanJob, RouteChange
from tests.migrating import migrate_forward
from tests.routes.factories import RouteFactory

BEFORE = [("routes", "0007_merge_tracking_notices_and_unassigned_at")]
AFTER = [("routes", "0008_route_change_facts")]
OLD_LINES = [
    "Road closure on your way: Water main on Elm.",
    "New order of your remaining stops: 1 Elm St → 2 Oak Ave.",
    "Stop 3 Pine Rd moved to you from route R-BROKEN.",
    "Stop 4 Ash Ct handed to route R-HELP.",
    "Meet route R-BROKEN at 32.80000, -96.81000 to hand over 2 stop(s). "
    "Your times include the 7 min detour (10 min handover).",
    "Stop 5 Fir Ln could not be fitted; it stays last — call dispatch.",
    "Something nobody foresaw.",
]


@pytest.mark.django_db
def test_old_sentences_become_the_facts_they_stated():
    route = RouteFactory()
    job = ReplanJob.objects.create(dsp=route.dsp, service_date=route.service_date, kind="rescue")

    def fill(old):
        old.get_model("routes", "RouteChange").objects.create(
            route_id=route.pk, job_id=job.pk, lines=OLD_LINES
        )

    migrate_forward(BEFORE, AFTER, fill)
    assert RouteChange.objects.get(route=route).facts == [
        {"code": "disruption", "reason": "closure", "note": "Water main on Elm"},
        {"code": "new_order", "order": ["1 Elm St", "2 Oak Ave"]},
        {"code": "moved_in", "stop": "3 Pine Rd", "from_route": "R-BROKEN"},
        {"code": "handed_off", "stop": "4 Ash Ct", "to_route": "R-HELP"},
        {
            "code": "meet",
            "to_route": "R-BROKEN",
            "at": [32.8, -96.81],
            "stops": 2,
            "detour_min": 7,
            "handover_min": 10,
        },
        {"code": "not_fitted", "stop": "5 Fir Ln"},
        {"code": "note", "note": "Something nobody foresaw."},
    ]


@pytest.mark.django_db
def test_routes_stored_with_late_sentences_count_their_late_stops():
    late, other = RouteFactory(), RouteFactory()
    problems = {
        late.pk: [
            "Route R001 reaches 1 Elm St at 15:13, 13 min late: its window closes at 15:00.",
            "Route R001 reaches 2 Oak Ave at 15:40, 25 min late: its window closes at 15:15.",
            "Route R001 carries 9 packages, over its van's capacity of 8.",
        ],
        other.pk: ["Route R002 could take high-priority stop 9 Bay window Rd, which is left out."],
    }

    def fill(old):
        for pk, sentences in problems.items():
            old.get_model("routes", "Route").objects.filter(pk=pk).update(problems=sentences)

    migrate_forward(
        [("routes", "0013_tracking_notice_resends")], [("routes", "0014_route_late_stops")], fill
    )
    late.refresh_from_db()
    other.refresh_from_db()
    assert (late.late_stops, other.late_stops) == (2, 0)
