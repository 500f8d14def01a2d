"""The worked-hours rule at its edges: the one function pay, the P&L, analytics and dispatch use."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from routes.rules.hours import hours_of, worked_time

NY = ZoneInfo("America/New_York")


def at(y, m, d, hh, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=NY)


def test_a_closed_shift_counts_clock_in_to_clock_out_less_the_break():
    punches = [
        ("clock_in", at(2026, 11, 2, 7)),
        ("break_start", at(2026, 11, 2, 12)),
        ("break_end", at(2026, 11, 2, 12, 30)),
        ("clock_out", at(2026, 11, 2, 16, 15)),
    ]
    assert hours_of(worked_time(punches)) == Decimal("8.75")
    # a later instant changes nothing once the driver has clocked out
    assert worked_time(punches, until=at(2026, 11, 2, 23)) == worked_time(punches)


def test_an_open_period_counts_up_to_the_given_instant_and_not_without_one():
    punches = [
        ("clock_in", at(2026, 11, 2, 7)),
        ("break_start", at(2026, 11, 2, 10)),
        ("break_end", at(2026, 11, 2, 10, 15)),
    ]
    assert hours_of(worked_time(punches, until=at(2026, 11, 2, 11, 45))) == Decimal("4.50")
    assert hours_of(worked_time(punches)) == Decimal("3.00")
    # an instant before the period opened adds nothing
    assert hours_of(worked_time(punches, until=at(2026, 11, 2, 10, 5))) == Decimal("3.00")
    # on a break the time since the break started does not count
    on_break = punches[:2]
    assert hours_of(worked_time(on_break, until=at(2026, 11, 2, 11))) == Decimal("3.00")


def test_a_break_across_midnight_counts_the_time_on_each_side():
    punches = [
        ("clock_in", at(2026, 11, 2, 18)),
        ("break_start", at(2026, 11, 2, 23, 45)),
        ("break_end", at(2026, 11, 3, 0, 30)),
        ("clock_out", at(2026, 11, 3, 3)),
    ]
    assert hours_of(worked_time(punches)) == Decimal("8.25")  # 5.75 + 2.5


def test_the_night_the_clocks_go_back_counts_the_hour_that_really_passed():
    # 1 November 2026: 02:00 EDT becomes 01:00 EST, so 22:00 to 06:00 on the wall is 9 h
    punches = [("clock_in", at(2026, 10, 31, 22)), ("clock_out", at(2026, 11, 1, 6))]
    assert hours_of(worked_time(punches)) == Decimal("9.00")
    # and in spring (14 March 2027) the same wall-clock shift is 7 h
    spring = [("clock_in", at(2027, 3, 13, 22)), ("clock_out", at(2027, 3, 14, 6))]
    assert hours_of(worked_time(spring)) == Decimal("7.00")


def test_a_repeated_clock_in_keeps_the_first_and_a_stray_close_counts_nothing():
    punches = [
        ("clock_out", at(2026, 11, 2, 6)),
        ("clock_in", at(2026, 11, 2, 7)),
        ("clock_in", at(2026, 11, 2, 8)),
        ("clock_out", at(2026, 11, 2, 15)),
    ]
    assert hours_of(worked_time(punches)) == Decimal("8.00")
