"""The peak forecast on generated histories with a known pattern."""

from datetime import date, timedelta

import pytest

from network.forecast import forecast

FACTORS = [1.2, 1.1, 1.0, 1.0, 1.3, 0.9, 0.5]  # Monday … Sunday
START = date(2026, 1, 5)  # a Monday


def _history(days: int, base: float = 200, slope: float = 2.0, factors=FACTORS) -> dict:
    return {
        START + timedelta(t): round((base + slope * t) * factors[(START + timedelta(t)).weekday()])
        for t in range(days)
    }


def _truth(day: date, base: float = 200, slope: float = 2.0, factors=FACTORS) -> float:
    return (base + slope * (day - START).days) * factors[day.weekday()]


def test_weekday_pattern_times_trend_is_forecast_within_one_percent():
    # given: ten weeks of weekday multipliers × a linear trend
    history = _history(70)
    # when
    result = forecast(history, start=START + timedelta(70), days=56)
    # then: every one of the next 56 days lands within 1 % of the pattern, and no note
    assert len(result.days) == 56
    for day, value in result.days:
        assert value == pytest.approx(_truth(day), rel=0.01), day
    assert result.trend_per_day == pytest.approx(2.0, rel=0.02)
    assert result.weekday_factors[6] < result.weekday_factors[4]
    assert result.note == ""
    assert not result.short


def test_a_short_history_says_so_and_still_follows_the_weekdays():
    # given: ten days only
    history = _history(10, slope=0.0)
    # when
    result = forecast(history, start=START + timedelta(10), days=14)
    # then
    assert result.short
    assert "Only 10 days of manifest history" in result.note
    friday = next(v for d, v in result.days if d.weekday() == 4)
    sunday = next(v for d, v in result.days if d.weekday() == 6)
    assert friday > 2 * sunday


def test_a_closed_weekday_stays_closed_and_no_history_forecasts_nothing():
    closed = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    result = forecast(_history(42, factors=closed), start=START + timedelta(42), days=7)
    assert [v for d, v in result.days if d.weekday() == 6] == [0]
    assert all(v > 0 for d, v in result.days if d.weekday() != 6)
    empty = forecast({}, start=START, days=7)
    assert [v for _, v in empty.days] == [0] * 7
    assert "No manifest history" in empty.note
