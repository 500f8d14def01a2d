"""Clock times read off a page ("23:53"), compared on a 24-hour dial: a day's times may run over
midnight in the station's zone, so 00:10 comes 17 minutes after 23:53, not 23 hours before."""

import itertools

DAY_MINUTES = 24 * 60


def minutes_after(clock: str, start: str) -> int:
    """Minutes from `start` until the clock next reads `clock`."""
    (h1, m1), (h2, m2) = start.strip().split(":")[:2], clock.strip().split(":")[:2]
    return (int(h2) * 60 + int(m2) - int(h1) * 60 - int(m1)) % DAY_MINUTES


def in_time_order(clocks: list[str]) -> bool:
    """Whether the clock times run forward, each less than half a day after the one before."""
    return all(minutes_after(b, a) < DAY_MINUTES // 2 for a, b in itertools.pairwise(clocks))
