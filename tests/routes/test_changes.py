"""A re-plan's facts round-trip through JSON and are worded in the station's time zone."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from routes.replan.changes import ChangeFact, FactCode
from routes.web.views.changes import change_lines

UTC = datetime.UTC


def test_a_fact_round_trips_through_json_unchanged():
    fact = ChangeFact(
        FactCode.MOVED_IN,
        stop="3 Pine Rd",
        from_route="R-BROKEN",
        to_route="R-HELP",
        old_eta=datetime.datetime(2026, 11, 2, 15, 0, tzinfo=UTC),
        new_eta=datetime.datetime(2026, 11, 2, 16, 30, tzinfo=UTC),
        reason="breakdown",
    )
    data = fact.to_json()
    assert data == {
        "code": "moved_in",
        "stop": "3 Pine Rd",
        "from_route": "R-BROKEN",
        "to_route": "R-HELP",
        "old_eta": "2026-11-02T15:00:00+00:00",
        "new_eta": "2026-11-02T16:30:00+00:00",
        "reason": "breakdown",
    }
    assert ChangeFact.from_json(data) == fact


def test_a_fact_keeps_its_zone_through_json_and_refuses_a_naive_time():
    chicago = ZoneInfo("America/Chicago")
    fact = ChangeFact(
        FactCode.MOVED_IN,
        stop="3 Pine Rd",
        old_eta=datetime.datetime(2026, 11, 2, 9, 0, tzinfo=chicago),
        new_eta=datetime.datetime(2026, 11, 2, 10, 30, tzinfo=chicago),
        reason="closure",
    )
    again = ChangeFact.from_json(fact.to_json())
    assert again == fact and again.new_eta.utcoffset() == datetime.timedelta(hours=-6)
    assert again.reason_label == "Road closure"
    with pytest.raises(ValueError, match="change's new arrival has no time zone"):
        ChangeFact.from_json({**fact.to_json(), "new_eta": "2026-11-02T10:30:00"})


def test_facts_are_worded_with_times_in_the_stations_zone():
    facts = [
        ChangeFact(FactCode.DISRUPTION, reason="closure", note="Water main on Elm").to_json(),
        ChangeFact(
            FactCode.MOVED_IN,
            stop="3 Pine Rd",
            from_route="R-BROKEN",
            new_eta=datetime.datetime(2026, 11, 2, 16, 30, tzinfo=UTC),
        ).to_json(),
        ChangeFact(FactCode.RETIMED).to_json(),
    ]
    assert change_lines(facts, ZoneInfo("America/Chicago")) == [
        "Road closure on your way: Water main on Elm.",
        "Stop 3 Pine Rd moved to you from route R-BROKEN, due at 10:30.",
        "Your stop order is unchanged; arrival times are updated.",
    ]
