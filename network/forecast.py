"""Daily volume forecast: a weekday pattern times a linear trend, fitted on the history.

Plain Python, no Django: `forecast(history, start=, days=)` takes {date: volume} and returns
one figure per day from `start`. The model is y(t) = (a + b·t) × m[weekday]; it is fitted by
alternating a least-squares line through the de-seasonalised volumes with weekday factors taken
as ratios of sums, which lands on the exact pattern when the history follows one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

SHORT_HISTORY_DAYS = 28
TREND_MIN_DAYS = 14
ROUNDS = 25


@dataclass(frozen=True)
class Forecast:
    days: list[tuple[date, int]]
    history_days: int
    weekday_factors: list[float] = field(default_factory=lambda: [1.0] * 7)
    trend_per_day: float = 0.0
    note: str = ""

    @property
    def short(self) -> bool:
        return self.history_days < SHORT_HISTORY_DAYS


def _line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return mean_y, 0.0
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
    return mean_y - slope * mean_x, slope


def forecast(history: dict[date, int], *, start: date, days: int = 56) -> Forecast:
    """Volumes for `days` days from `start`; days missing inside the history count as zero."""
    if not history:
        return Forecast(
            days=[(start + timedelta(d), 0) for d in range(days)],
            history_days=0,
            note="No manifest history yet: there is nothing to forecast from.",
        )
    first, last = min(history), max(history)
    span = (last - first).days + 1
    dates = [first + timedelta(d) for d in range(span)]
    ys = [float(history.get(d, 0)) for d in dates]
    ts = [float(t) for t in range(span)]
    factors = [1.0] * 7
    a, b = sum(ys) / span, 0.0
    for _ in range(ROUNDS):
        # A weekday with no volume at all (a closed day) has factor 0 and leaves the line fit.
        points = [
            (t, y / factors[d.weekday()])
            for t, y, d in zip(ts, ys, dates, strict=True)
            if factors[d.weekday()] > 0
        ]
        if not points:
            break
        xs, adjusted = [p[0] for p in points], [p[1] for p in points]
        if span >= TREND_MIN_DAYS:
            a, b = _line(xs, adjusted)
        else:
            a, b = sum(adjusted) / len(adjusted), 0.0
        sums, trend_sums = [0.0] * 7, [0.0] * 7
        for t, y, d in zip(ts, ys, dates, strict=True):
            sums[d.weekday()] += y
            trend_sums[d.weekday()] += max(a + b * t, 1e-9)
        factors = [sums[w] / trend_sums[w] if trend_sums[w] else 1.0 for w in range(7)]
    out = []
    for offset in range(days):
        day = start + timedelta(offset)
        t = (day - first).days
        out.append((day, max(0, round((a + b * t) * factors[day.weekday()]))))
    note = ""
    if span < SHORT_HISTORY_DAYS:
        note = (
            f"Only {span} days of manifest history (under four weeks): the weekday pattern "
            "and the trend are rough; treat this forecast as a first guess."
        )
    return Forecast(
        days=out,
        history_days=span,
        weekday_factors=[round(f, 3) for f in factors],
        trend_per_day=round(b, 3),
        note=note,
    )
