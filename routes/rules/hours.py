"""Worked time from shift punches: the one rule billing, pay, analytics and dispatch read.

A clock-in or a break's end opens a working period; a break's start or a clock-out closes it.
A period still open at the end counts up to `until` when one is given (the driver is at work
now), and not at all otherwise. Times are aware, so a break across midnight or a night when
the clocks change counts the time that really passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

OPENS = frozenset({"clock_in", "break_end"})
CLOSES = frozenset({"break_start", "clock_out"})


def worked_time(
    punches: Iterable[tuple[str, datetime]], *, until: datetime | None = None
) -> timedelta:
    """Time at work from `(kind, at)` punches in the order they happened."""
    total = timedelta(0)
    opened: datetime | None = None
    for kind, local in punches:
        at = local.astimezone(UTC)  # same-zone subtraction would read the wall clock
        if kind in OPENS:
            if opened is None:  # a repeated clock-in keeps the first
                opened = at
        elif kind in CLOSES and opened is not None:
            total += max(at - opened, timedelta(0))
            opened = None
    if opened is not None and until is not None and until.astimezone(UTC) > opened:
        total += until.astimezone(UTC) - opened
    return total


def hours_of(worked: timedelta) -> Decimal:
    """Worked time as hours to the cent of an hour, as pay and the P&L show it."""
    return (Decimal(worked.total_seconds()) / 3600).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
