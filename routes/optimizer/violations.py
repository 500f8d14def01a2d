"""What a route breaks, as facts: the app words them for people, tests read the sentence."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ViolationKind(StrEnum):
    EARLY_DEPARTURE = "early_departure"
    NO_BREAK = "no_break"
    BREAK_OUTSIDE_WINDOW = "break_outside_window"
    BREAK_BEFORE_DEPARTURE = "break_before_departure"
    LATE_START = "late_start"
    OVER_CAPACITY = "over_capacity"
    LATE_RETURN = "late_return"
    OVER_RANGE = "over_range"
    TOO_LONG = "too_long"
    HIGH_PRIORITY_DROPPED = "high_priority_dropped"
    PLAN = "plan"  # the plan itself is inconsistent (an unknown id, a stop twice): an engine bug


# The technical sentence of each kind, for tests, benchmarks and logs: times in seconds since
# the problem's origin, as the solver counts them.
_SENTENCES = {
    ViolationKind.EARLY_DEPARTURE: "Vehicle {v} leaves at {value:g} before its shift starts.",
    ViolationKind.NO_BREAK: "Vehicle {v} has no break.",
    ViolationKind.BREAK_OUTSIDE_WINDOW: "Vehicle {v} starts its break outside its break window.",
    ViolationKind.BREAK_BEFORE_DEPARTURE: "Vehicle {v} takes its break before leaving the depot.",
    ViolationKind.LATE_START: (
        "Vehicle {v} starts stop {s} at {value:g}, after its window closes at {limit}."
    ),
    ViolationKind.OVER_CAPACITY: "Vehicle {v} carries {value}, over its capacity of {limit}.",
    ViolationKind.LATE_RETURN: "Vehicle {v} returns at {value:g}, after its shift ends at {limit}.",
    ViolationKind.OVER_RANGE: "Vehicle {v} drives {km:.1f} km, over its range of {limit_km:.1f} km "
    "(less the reserve).",
    ViolationKind.TOO_LONG: "Vehicle {v} is away {value:g} s, over its maximum of {limit} s.",
    ViolationKind.HIGH_PRIORITY_DROPPED: (
        "High-priority stop {s} is dropped although vehicle {v} could take it."
    ),
}


@dataclass(frozen=True)
class Violation:
    """One rule a route breaks.

    Parameters
    ----------
    kind
        Which rule (`ViolationKind`).
    vehicle_id
        The vehicle whose route breaks it (for a dropped high-priority stop: one that could
        have taken it); None when no vehicle is concerned.
    stop_id
        The stop concerned, if any.
    value, limit
        What the route reaches and the bound it passes: seconds since the problem's time
        origin (a start, a return), seconds away, packages carried or metres driven.
    text
        For `ViolationKind.PLAN` only: the finding as a sentence.
    """

    kind: ViolationKind
    vehicle_id: str | None = None
    stop_id: str | None = None
    value: float = 0
    limit: float = 0
    text: str = ""

    def __str__(self) -> str:
        if self.kind == ViolationKind.PLAN:
            return self.text
        return _SENTENCES[self.kind].format(
            v=self.vehicle_id,
            s=self.stop_id,
            value=self.value,
            limit=self.limit,
            km=self.value / 1000,
            limit_km=self.limit / 1000,
        )


def plan_error(text: str) -> Violation:
    """A plan that contradicts itself or its problem, said in `text`."""
    return Violation(ViolationKind.PLAN, text=text)
