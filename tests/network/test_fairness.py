"""The fair spread itself, on figures small enough to check by hand."""

from network.fairness import Carrier, StopPoint, fairness, propose, quotas


def _carrier(dsp_id, tier, capacity, stops, centre=(32.8, -96.8)):
    return Carrier(dsp_id, f"DSP {dsp_id}", tier, capacity, stops, centre)


def test_quotas_follow_spare_capacity_times_tier_and_never_exceed_spare():
    # B: spare 7, fantastic (7 × 0.85 = 5.95); C: spare 8, fair (8 × 0.5 = 4.0)
    b, c = _carrier(2, "fantastic", 10, 3), _carrier(3, "fair", 10, 2)
    # 6 stops: B floor(3.59) = 3, C floor(2.41) = 2, the last one to the better tier
    assert quotas([b, c], 6) == {2: 4, 3: 2}
    # more than all the spare: each takes exactly its spare, no more
    assert quotas([b, c], 40) == {2: 7, 3: 8}


def test_equal_spare_goes_first_to_the_better_tier():
    great, poor = _carrier(1, "great", 5, 0), _carrier(2, "poor", 5, 0)
    given = quotas([poor, great], 3)
    assert given[1] > given[2]
    assert sum(given.values()) == 3


def test_overflow_moves_to_the_nearest_receiver_and_the_gap_index_falls():
    # given: A carries 5 stops for a capacity of 3; B lies east, C west
    a = _carrier(1, "great", 3, 5, centre=(32.8, -96.80))
    b = _carrier(2, "fantastic", 4, 0, centre=(32.8, -96.70))
    c = _carrier(3, "fantastic", 4, 0, centre=(32.8, -96.90))
    stops = [
        StopPoint(10, 1, 32.8, -96.79),  # near A's centre: stays
        StopPoint(11, 1, 32.8, -96.81),  # near A's centre: stays
        StopPoint(12, 1, 32.8, -96.72),  # east edge → B
        StopPoint(13, 1, 32.8, -96.88),  # west edge → C
        StopPoint(14, None, 32.8, -96.71, on_route=False),  # uncovered, east → B
        StopPoint(15, 1, 32.8, -96.89, on_route=True),  # farthest, but on a route: stays
    ]
    # when
    plan = propose([a, b, c], stops)
    # then
    moves = {m["stop"]: (m["from"], m["to"]) for m in plan.moves}
    assert moves == {12: (1, 2), 13: (1, 3), 14: (None, 2)}
    assert plan.unplaced == 0
    after = {row["dsp"]: row["stops"] for row in plan.after["rows"]}
    assert after == {1: 3, 2: 2, 3: 1}
    assert plan.after["index"] < plan.before["index"]
    assert plan.after["uncovered"] == 0


def test_fairness_is_zero_when_each_carries_its_capacity_share():
    result = fairness([_carrier(1, None, 10, 5), _carrier(2, None, 20, 10)])
    assert result["index"] == 0.0
    assert [r["volume_share"] for r in result["rows"]] == [33.3, 66.7]
