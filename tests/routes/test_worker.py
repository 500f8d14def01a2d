"""A task goes through the real Redis broker to a real worker, which writes to the database: a
service queues it with `enqueue_after_commit`, so only a transaction that commits sends it."""

import pytest
from django.db import transaction

from routes.day.assignment import punch_record
from routes.models import Package, Route, TrackingNotice
from tests.conftest import wait_until
from tests.routes.factories import driving_route


class RolledBack(Exception):
    pass


def _clock_in(route: Route, key: str) -> None:
    punch_record(
        route=route,
        kind="clock_in",
        idempotency_key=key,
        odometer_km=route.vehicle.odometer_km + 1,
        vehicle_plate=route.vehicle.plate,
    )


def _email_each_recipient(route: Route, domain: str) -> None:
    for n, package in enumerate(Package.objects.filter(stop__route_stop__route=route)):
        Package.objects.filter(pk=package.pk).update(recipient_email=f"r{n}@{domain}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_only_a_committed_write_queues_its_task_and_the_worker_writes_its_result(
    celery_worker_process,
):
    # given: two routes whose recipients gave an e-mail address
    undone, started = driving_route(stops=2), driving_route(stops=3)
    _email_each_recipient(undone, "undone.test")
    _email_each_recipient(started, "started.test")
    # when: one route's start is rolled back, then the other's commits (queued in that order
    # on one queue, so a message sent before its commit would reach the worker first)
    with pytest.raises(RolledBack), transaction.atomic():
        _clock_in(undone, "in-undone")
        raise RolledBack
    with transaction.atomic():
        _clock_in(started, "in-started")
    # then: the worker sent the committed route's three links and recorded them
    wait_until(
        lambda: TrackingNotice.objects.filter(status=TrackingNotice.Status.SENT).count() == 3
    )
    assert sorted(TrackingNotice.objects.values_list("route_id", "channel", "to")) == [
        (started.pk, "email", "r0@started.test"),
        (started.pk, "email", "r1@started.test"),
        (started.pk, "email", "r2@started.test"),
    ]
    # and: nothing was queued for the start that never happened
    undone.refresh_from_db()
    assert undone.status == Route.Status.ASSIGNED
    assert not TrackingNotice.objects.filter(route=undone).exists()
