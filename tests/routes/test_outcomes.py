"""Package and stop state: one rule for the scan, the driver's stops and the route's close."""

import pytest

from routes.rules.outcomes import package_state_of, stop_done


@pytest.mark.parametrize(
    ("kinds", "state"),
    [
        ([], "pending"),
        (["loaded"], "loaded"),
        (["loaded", "failed"], "failed"),
        (["failed", "delivered"], "delivered"),
        (["delivered", "failed"], "delivered"),  # a delivery is never undone
        (["failed", "returned"], "returned"),
        (["returned", "failed"], "returned"),  # back at the station: nothing more on the route
    ],
)
def test_a_package_reads_its_state_from_its_events(kinds, state):
    assert package_state_of(kinds) == state


def test_a_stop_is_done_only_when_every_package_was_attempted():
    assert stop_done(["delivered", "failed", "returned"])
    assert not stop_done(["delivered", "loaded"])  # still in the van
    assert not stop_done(["delivered", "pending"])
    assert not stop_done([])
