"""Webhooks end to end in-process: routes' events → deliveries → signed POSTs to a local server,
retries with backoff, the log, re-sends and who receives what."""

import datetime
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dsps.models import AuditEvent, Role
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from integrations.services import (
    deliveries_create,
    delivery_attempt,
    delivery_resend,
    subscription_create,
    subscription_secret_rotate,
)
from routes.day.assignment import route_assign, route_unassign
from routes.day.deliveries import delivery_record
from routes.models import PlanJob
from routes.planning.jobs import plan_job_prepare, plan_run_solve
from routes.signals import RouteEvent
from tests.dsps.factories import MembershipFactory, StaffFactory, StationFactory
from tests.integrations.factories import DeliveryFactory, SubscriptionFactory
from tests.integrations.helpers import after_commit, send_all, signature_ok
from tests.routes.factories import PlanJobFactory, driving_route, onboarded_dsp, planning_day

pytestmark = pytest.mark.django_db


def _owner(dsp):
    return MembershipFactory(dsp=dsp, role=Role.OWNER).user


def _deliver(route, n=0, key="k1", kind="delivered"):
    package = route.route_stops.order_by("sequence")[n].stop.packages.first()
    extra = {"delivered_to": "safe_place"} if kind == "delivered" else {"reason": "no_access"}
    return delivery_record(
        route=route, code=package.tracking_id, kind=kind, idempotency_key=key, **extra
    )


def test_a_delivered_package_is_posted_signed_with_the_subscribers_secret(
    receiver, django_capture_on_commit_callbacks
):
    # given: an owner's webhook for deliveries, on a local server
    route = driving_route(stops=2)
    hook = subscription_create(
        by=_owner(route.dsp), url=receiver.url("/nm"), events=["delivery.delivered"]
    )
    assert receiver.posts == []  # registering sends nothing
    # when: the driver delivers the first package
    (event, _), queued = after_commit(django_capture_on_commit_callbacks, lambda: _deliver(route))
    send_all()
    # then: one task was queued, one POST arrived, its signature verifies with the secret
    assert len(queued) == 1
    (post,) = receiver.posts
    assert post.path == "/nm"
    assert signature_ok(hook.secret, post)
    assert not signature_ok("whsec_someone_else", post)
    body = json.loads(post.body)
    assert post.headers["X-NextMile-Event-Id"] == body["id"]
    assert post.headers["X-NextMile-Event-Type"] == "delivery.delivered"
    assert body["type"] == "delivery.delivered"
    assert body["dsp"] == route.dsp_id
    assert body["data"]["package"] == event.package_id
    assert body["data"]["route"] == route.pk
    # no recipient personal data
    assert event.package.recipient_name.encode() not in post.body
    assert event.package.address.encode() not in post.body
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == (
        "succeeded",
        1,
        200,
    )


def test_a_500_is_retried_with_backoff_and_the_log_shows_both_attempts(
    receiver, django_capture_on_commit_callbacks
):
    # given: a receiver that fails once, then accepts
    receiver.statuses = [500]
    route = driving_route(stops=1)
    subscription_create(by=_owner(route.dsp), url=receiver.url(), events=["delivery.failed"])
    after_commit(django_capture_on_commit_callbacks, lambda: _deliver(route, kind="failed"))
    delivery = WebhookDelivery.objects.get()
    # when: the first attempt gets a 500
    with django_capture_on_commit_callbacks(execute=False) as retry:
        before = timezone.now()
        delivery_attempt(delivery_id=delivery.pk, number=1)
    # then: a retry is scheduled about 30 s later
    delivery.refresh_from_db()
    assert delivery.status == "retrying"
    assert len(retry) == 1
    wait = (delivery.next_attempt_at - before).total_seconds()
    assert 29 <= wait <= 31
    # when: the retry runs
    delivery_attempt(delivery_id=delivery.pk, number=2, trigger="retry")
    # then: delivered, and the log has both attempts with their answers
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.next_attempt_at) == (
        "succeeded",
        2,
        None,
    )
    attempts = list(delivery.attempts.values_list("number", "trigger", "status_code", "ok"))
    assert attempts == [(1, "first", 500, False), (2, "retry", 200, True)]
    first = delivery.attempts.get(number=1)
    assert first.error == "HTTP 500"
    assert first.response_excerpt == "receiver is down"
    assert first.duration_ms is not None
    # the same event id both times: a receiver can dedupe
    ids = {json.loads(p.body)["id"] for p in receiver.posts}
    assert ids == {str(delivery.event_id)}


def test_backoff_doubles_and_the_fifth_failure_gives_up(receiver):
    receiver.statuses = [500] * 5
    delivery = DeliveryFactory(subscription__url=receiver.url())
    waits = []
    for number in range(1, 6):
        delivery_attempt(delivery_id=delivery.pk, number=number, trigger="retry")
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(round((delivery.next_attempt_at - delivery.updated_at).total_seconds()))
    assert waits == [30, 60, 120, 240]
    assert (delivery.status, delivery.attempt_count, delivery.next_attempt_at) == (
        "failed",
        5,
        None,
    )
    assert len(receiver.posts) == 5


def test_a_task_delivered_twice_posts_once(receiver):
    delivery = DeliveryFactory(subscription__url=receiver.url())
    assert delivery_attempt(delivery_id=delivery.pk, number=1) is not None
    assert delivery_attempt(delivery_id=delivery.pk, number=1) is None
    assert len(receiver.posts) == 1


def test_resend_is_a_new_attempt_with_the_same_event_id(
    receiver, django_capture_on_commit_callbacks
):
    # given: a delivered event
    delivery = DeliveryFactory(subscription__url=receiver.url())
    delivery_attempt(delivery_id=delivery.pk, number=1)
    # when: someone re-sends it
    with django_capture_on_commit_callbacks(execute=False) as queued:
        delivery_resend(delivery=delivery, by=StaffFactory().user)
    delivery.refresh_from_db()
    assert (delivery.status, len(queued)) == ("pending", 1)
    delivery_attempt(delivery_id=delivery.pk, number=2, trigger="resend")
    # then
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert list(delivery.attempts.values_list("number", "trigger")) == [(1, "first"), (2, "resend")]
    first, second = (json.loads(p.body) for p in receiver.posts)
    assert first == second
    assert first["id"] == str(delivery.event_id)


def test_a_failed_resend_does_not_start_another_retry_series(receiver):
    receiver.statuses = [500]
    delivery = DeliveryFactory(subscription__url=receiver.url(), status="failed", attempt_count=5)
    delivery_attempt(delivery_id=delivery.pk, number=6, trigger="resend")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at) == ("failed", None)


def test_a_dsp_never_receives_another_dsps_events_and_the_program_hears_all(
    receiver, django_capture_on_commit_callbacks
):
    # given: DSP A's and DSP B's webhooks, a program-wide one, one for another station only
    route = driving_route(stops=2)
    other = onboarded_dsp(station=route.station)
    SubscriptionFactory(dsp=route.dsp, url=receiver.url("/a"), events=["delivery.delivered"])
    SubscriptionFactory(dsp=other, url=receiver.url("/b"), events=["delivery.delivered"])
    SubscriptionFactory(dsp=None, url=receiver.url("/program"), events=["delivery.delivered"])
    SubscriptionFactory(
        dsp=None,
        station=StationFactory(),
        url=receiver.url("/elsewhere"),
        events=["delivery.delivered"],
    )
    SubscriptionFactory(
        dsp=None, station=route.station, url=receiver.url("/station"), events=["route.assigned"]
    )
    SubscriptionFactory(
        dsp=route.dsp, url=receiver.url("/off"), events=["delivery.delivered"], is_active=False
    )
    # when: A's driver delivers
    after_commit(django_capture_on_commit_callbacks, lambda: _deliver(route))
    send_all()
    # then: A's and the program's webhooks got it; B, another station, other events did not
    assert sorted(receiver.paths()) == ["/a", "/program"]


def test_routes_announce_assignment_start_and_completion(
    receiver, django_capture_on_commit_callbacks
):
    route = driving_route(stops=2)
    driver, vehicle = route.driver, route.vehicle
    events = ["route.assigned", "route.started", "route.completed", "delivery.returned"]
    SubscriptionFactory(dsp=route.dsp, url=receiver.url(), events=events)
    after_commit(django_capture_on_commit_callbacks, lambda: route_unassign(route=route))
    # when: assigned, then both packages settled (one delivered, one returned)
    after_commit(
        django_capture_on_commit_callbacks,
        lambda: route_assign(route=route, driver=driver, vehicle=vehicle),
    )
    after_commit(django_capture_on_commit_callbacks, lambda: _deliver(route, 0, "k1"))
    after_commit(django_capture_on_commit_callbacks, lambda: _deliver(route, 1, "k2", "failed"))
    package = route.route_stops.order_by("sequence")[1].stop.packages.first()
    after_commit(
        django_capture_on_commit_callbacks,
        lambda: delivery_record(
            route=route, code=package.tracking_id, kind="returned", idempotency_key="k3"
        ),
    )
    send_all()
    # then
    bodies = [json.loads(p.body) for p in receiver.posts]
    assert [b["type"] for b in bodies] == [
        "route.assigned",
        "route.started",
        "delivery.returned",
        "route.completed",
    ]
    assigned, started, _, completed = bodies
    assert assigned["data"]["driver"] == driver.pk
    assert started["data"]["status"] == "in_progress"
    assert completed["data"]["packages"] == {"delivered": 1, "returned": 1, "failed_attempts": 1}
    assert len({b["id"] for b in bodies}) == 4


def test_a_written_plan_announces_plan_completed_with_counts(
    receiver, django_capture_on_commit_callbacks
):
    dsp = onboarded_dsp()
    manifest, _ = planning_day(dsp=dsp, stops=4, vans=1, drivers=1)
    SubscriptionFactory(dsp=dsp, url=receiver.url(), events=["plan.completed"])
    job = PlanJobFactory(dsp=dsp, service_date=manifest.service_date, time_limit_s=1)
    (run,) = plan_job_prepare(job_id=job.pk)
    after_commit(django_capture_on_commit_callbacks, lambda: plan_run_solve(run_id=run.pk))
    send_all()
    (post,) = receiver.posts
    body = json.loads(post.body)
    assert body["type"] == "plan.completed"
    assert body["data"]["plan_run"] == run.pk
    assert body["data"]["status"] == PlanJob.Status.SUCCEEDED
    assert body["data"]["routes"] + body["data"]["dropped"] >= 1
    assert body["data"]["stops"] + body["data"]["dropped"] == 4


def test_a_rolled_back_write_announces_nothing(receiver, django_capture_on_commit_callbacks):
    route = driving_route(stops=1)
    SubscriptionFactory(dsp=route.dsp, url=receiver.url(), events=["delivery.delivered"])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _deliver(route)
        raise RuntimeError("the caller's transaction fails later")
    assert callbacks == []
    assert WebhookDelivery.objects.count() == 0


# --- Registration, URLs and secrets ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/hook", "Use an http:// or https:// URL."),
        ("javascript:alert(1)", "Use an http:// or https:// URL."),
        ("http://10.1.2.3/hook", "private"),
        ("http://169.254.169.254/latest", "private"),
        ("http://[::1]:8000/", "private"),
        ("http://localhost:8000/", "local name"),
        ("https://user:pw@example.com/", "user names and passwords"),
        ("", "Enter the URL"),
    ],
)
def test_urls_outside_http_or_on_private_addresses_are_refused(url, message):
    owner = MembershipFactory(role=Role.OWNER).user
    with pytest.raises(ValidationError) as error:
        subscription_create(by=owner, url=url, events=["route.assigned"])
    assert message in " ".join(error.value.message_dict["url"])
    assert WebhookSubscription.objects.count() == 0


def test_loopback_is_refused_when_not_allowed_even_at_send_time(receiver, settings):
    # given: a webhook saved while 127.0.0.1 was allowed, then the allowance is withdrawn
    delivery = DeliveryFactory(subscription__url=receiver.url())
    settings.WEBHOOK_ALLOWED_PRIVATE_ADDRESSES = []
    with pytest.raises(ValidationError):
        subscription_create(
            by=MembershipFactory(role=Role.OWNER).user,
            url=receiver.url(),
            events=["route.assigned"],
        )
    # when
    attempt = delivery_attempt(delivery_id=delivery.pk, number=1)
    # then: nothing left the machine's guard; the log says why
    assert receiver.posts == []
    assert attempt.status_code is None
    assert "private" in attempt.error


def test_an_unknown_event_or_none_is_refused():
    owner = MembershipFactory(role=Role.OWNER).user
    with pytest.raises(ValidationError) as error:
        subscription_create(by=owner, url="https://example.com/h", events=["route.exploded"])
    assert "Unknown event type: route.exploded." in error.value.message_dict["events"]
    with pytest.raises(ValidationError) as error:
        subscription_create(by=owner, url="https://example.com/h", events=[])
    assert error.value.message_dict["events"] == ["Pick at least one event."]


def test_who_registers_what(db):
    station = StationFactory()
    owner = MembershipFactory(role=Role.OWNER)
    mine = subscription_create(
        by=owner.user, url="https://example.com/h", events=["plan.completed"]
    )
    program = subscription_create(
        by=StaffFactory().user,
        url="https://example.com/p",
        events=["plan.completed"],
        station=station,
    )
    assert (mine.dsp, mine.station, program.dsp, program.station) == (
        owner.dsp,
        None,
        None,
        station,
    )
    with pytest.raises(ValidationError) as error:
        subscription_create(
            by=owner.user, url="https://example.com/h", events=["plan.completed"], station=station
        )
    assert "station" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        subscription_create(
            by=MembershipFactory(role=Role.DISPATCHER).user,
            url="https://example.com/h",
            events=["plan.completed"],
        )
    assert WebhookSubscription.objects.count() == 2


def test_creation_and_rotation_are_audited_and_rotation_changes_the_signature(receiver):
    owner = MembershipFactory(role=Role.OWNER)
    hook = subscription_create(by=owner.user, url=receiver.url(), events=["route.assigned"])
    old = hook.secret
    rotated = subscription_secret_rotate(subscription=hook, by=owner.user)
    assert rotated.secret != old and rotated.secret.startswith("whsec_")
    verbs = list(
        AuditEvent.objects.filter(target_id=str(hook.pk)).order_by("id").values_list("verb", "dsp")
    )
    assert verbs == [("webhook.created", owner.dsp_id), ("webhook.secret_rotated", owner.dsp_id)]
    delivery = DeliveryFactory(subscription=hook)
    delivery_attempt(delivery_id=delivery.pk, number=1)
    (post,) = receiver.posts
    assert signature_ok(rotated.secret, post)
    assert not signature_ok(old, post)


def test_a_delivery_is_made_once_per_subscription_and_event(django_capture_on_commit_callbacks):
    hook = SubscriptionFactory(events=["route.assigned"])
    event = RouteEvent(
        id=str(uuid.uuid4()),
        type="route.assigned",
        occurred_at=timezone.now() - datetime.timedelta(minutes=1),
        dsp_id=hook.dsp_id,
        station_id=hook.dsp.station_id,
        data={"route": 1},
    )
    assert len(deliveries_create(event=event)) == 1
    assert deliveries_create(event=event) == []
    assert WebhookDelivery.objects.count() == 1
    assert WebhookAttempt.objects.count() == 0


def test_a_disabled_webhook_gets_no_more_attempts_and_cannot_be_re_sent(receiver):
    # given: a retry queued before the owner disabled the webhook
    delivery = DeliveryFactory(
        subscription__url=receiver.url(), subscription__is_active=False, status="retrying"
    )
    # when the retry runs
    attempt = delivery_attempt(delivery_id=delivery.pk, number=2, trigger="retry")
    # then: nothing was sent, the log says why, and re-sending is refused on the field
    assert receiver.posts == []
    assert attempt.error == "The webhook is disabled; not sent."
    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at) == ("failed", None)
    with pytest.raises(ValidationError) as error:
        delivery_resend(delivery=delivery, by=StaffFactory().user)
    assert "subscription" in error.value.message_dict
    delivery.refresh_from_db()
    assert delivery.status == "failed"
