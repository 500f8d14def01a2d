"""Package and stop state from delivery events: the one rule the driver's day, the scan, the
route's close and the scorecard read."""

from __future__ import annotations

from collections.abc import Iterable

DELIVERED, FAILED, RETURNED, PENDING = "delivered", "failed", "returned", "pending"
# An outcome: the package was attempted. Final: nothing more happens to it on the route.
OUTCOMES = frozenset({DELIVERED, FAILED, RETURNED})
FINAL = frozenset({DELIVERED, RETURNED})


def package_state_of(kinds: Iterable[str]) -> str:
    """A package's state from its event kinds in the order they happened: delivered once
    delivered, else returned once returned, else its latest event (failed, loaded), else
    pending."""
    kinds = list(kinds)
    for final in (DELIVERED, RETURNED):
        if final in kinds:
            return final
    return kinds[-1] if kinds else PENDING


def stop_done(states: Iterable[str]) -> bool:
    """A stop is done when it has packages and each has an outcome (loaded is not one)."""
    states = list(states)
    return bool(states) and all(state in OUTCOMES for state in states)
