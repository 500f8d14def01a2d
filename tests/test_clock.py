"""The tests' clock-dial helper: the checks of times read off pages must hold over midnight."""

from tests.clock import in_time_order, minutes_after


def test_minutes_after_runs_over_midnight():
    assert minutes_after("00:10", "23:53") == 17
    assert minutes_after("00:23", "23:53") == 30
    assert minutes_after("09:05", "08:50") == 15
    assert minutes_after("08:50", "09:05") == 24 * 60 - 15


def test_times_in_order_over_midnight_but_not_backwards():
    assert in_time_order(["23:40", "23:58", "00:12", "00:30"])
    assert not in_time_order(["09:10", "09:05"])
    assert not in_time_order(["00:12", "23:58"])
