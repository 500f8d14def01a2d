"""The database holds the day-of-delivery invariants, whatever service writes the events."""

import pytest
from django.db import IntegrityError, transaction

from routes.models import DeliveryEvent, FailureReason
from tests.routes.factories import DeliveryEventFactory


def test_a_package_is_delivered_at_most_once(db):
    first = DeliveryEventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryEventFactory(route=first.route, package=first.package)
    assert DeliveryEvent.objects.filter(package=first.package).count() == 1


def test_a_failed_attempt_then_a_delivery_are_both_kept(db):
    failed = DeliveryEventFactory(kind=DeliveryEvent.Kind.FAILED, reason=FailureReason.NO_ACCESS)
    DeliveryEventFactory(route=failed.route, package=failed.package)
    assert list(
        DeliveryEvent.objects.filter(package=failed.package).values_list("kind", flat=True)
    ) == ["failed", "delivered"]


def test_the_same_idempotency_key_records_nothing_twice(db):
    event = DeliveryEventFactory(kind=DeliveryEvent.Kind.LOADED)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryEventFactory(
            route=event.route, kind=DeliveryEvent.Kind.LOADED, idempotency_key=event.idempotency_key
        )


def test_a_failure_without_a_reason_is_refused(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryEventFactory(kind=DeliveryEvent.Kind.FAILED, reason="")
