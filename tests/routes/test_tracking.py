"""Recipient tracking links: public, unguessable, showing the package's state and nothing else."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dsps.models import Role
from routes.day import sms
from routes.day.assignment import punch_record
from routes.day.tracking import tracking_link_for, tracking_links_send
from routes.live.progress import stop_eta
from routes.models import DeliveryEvent, Package, Route, TrackingLink, TrackingNotice
from routes.tasks.day import tracking_links_send_task
from tests.clock import minutes_after
from tests.conftest import wait_until
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import DeliveryEventFactory, driving_route

pytestmark = pytest.mark.django_db


def _page(client, package):
    link = tracking_link_for(package=package)
    return client.get(reverse("routes:tracking", kwargs={"token": link.token}))


def _packages(route):
    return [rs.stop.packages.get() for rs in route.route_stops.order_by("sequence")]


def test_the_link_is_unguessable_and_made_once_per_package():
    route = driving_route(stops=1)
    [package] = _packages(route)
    first, again = tracking_link_for(package=package), tracking_link_for(package=package)
    assert first.pk == again.pk
    assert len(first.token) >= 32
    assert TrackingLink.objects.count() == 1


def _window(text):
    """The ETA window printed on the page: its first clock time and its length in minutes."""
    start, end = re.search(r"Expected between (\d\d:\d\d) and (\d\d:\d\d)", text).groups()
    return start, minutes_after(end, start)


def test_out_for_delivery_shows_the_package_the_dsp_stops_away_and_the_live_eta(client):
    # given: a route in progress, the first of three stops delivered
    route = driving_route(stops=3)
    Route.objects.filter(pk=route.pk).update(status=Route.Status.IN_PROGRESS)
    first, second, third = _packages(route)
    DeliveryEventFactory(route=route, package=first, route_stop=first.stop.route_stop)
    # when: an anonymous visitor opens the third package's link
    response = _page(client, third)
    # then: its id, the DSP, how many stops before it and a window around the live ETA
    text = response.content.decode()
    assert response.status_code == 200
    assert third.tracking_id in text
    assert route.dsp.name in text
    assert "1 stop away." in text
    eta = timezone.localtime(stop_eta(third.stop.route_stop), route.station.tz)
    start, length = _window(text)
    assert length == 60
    assert start in {f"{eta - datetime.timedelta(minutes=30 + d):%H:%M}" for d in (-1, 0, 1)}
    # and the page shows the delivery point only: no other package, no driver, no name
    assert f'data-lat="{float(third.latitude)}"' in text
    for secret in (
        third.recipient_name,
        first.tracking_id,
        second.tracking_id,
        route.driver.full_name,
        str(second.stop.latitude),
    ):
        assert secret not in text


def test_stops_away_counts_a_stop_with_a_package_still_pending(client):
    # given: stop 1 of 3 has one of its two packages delivered, the other pending
    route = driving_route(stops=3, per_stop=2)
    Route.objects.filter(pk=route.pk).update(status=Route.Status.IN_PROGRESS)
    stops = list(route.route_stops.order_by("sequence"))
    done, _pending = stops[0].stop.packages.order_by("pk")
    DeliveryEventFactory(route=route, package=done, route_stop=stops[0])
    target = stops[2].stop.packages.order_by("pk").first()
    # when / then: both earlier stops still come before the third
    text = _page(client, target).content.decode()
    assert "2 stops away." in text
    assert "You are the next stop" not in text
    # and: dispatch's live board counts stop 1 as visited (an outcome recorded there): two
    # facts, each under its own word
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    board = client.get(reverse("routes:live-board")).content.decode()
    assert ">Visited</abbr>" in board
    row = board[board.index(f'data-code="{route.code}"') :]
    assert '<td class="progress">1 / 3</td>' in row[: row.index("</tr>")]


def test_the_timeline_ends_with_the_attempt_and_its_reason(client):
    route = driving_route(stops=1)
    [package] = _packages(route)
    DeliveryEventFactory(
        route=route, package=package, kind=DeliveryEvent.Kind.FAILED, reason="no_access"
    )
    text = _page(client, package).content.decode()
    timeline = text.split('id="tracking-timeline"')[1].split("</ol>")[0]
    assert "Out for delivery" in timeline
    assert "Attempted: Unable to access (gate, locked building)" in timeline


def test_the_next_stop_is_told_so(client):
    route = driving_route(stops=2)
    Route.objects.filter(pk=route.pk).update(status=Route.Status.IN_PROGRESS)
    first, _ = _packages(route)
    assert "You are the next stop." in _page(client, first).content.decode()


def test_a_delivered_package_shows_the_time_and_the_link_expires_days_later(client):
    route = driving_route(stops=1)
    [package] = _packages(route)
    at = timezone.now() - datetime.timedelta(hours=2)
    DeliveryEventFactory(route=route, package=package, occurred_at=at)
    local = timezone.localtime(at, route.station.tz)
    assert f"Delivered at {local:%H:%M}" in _page(client, package).content.decode()
    DeliveryEvent.objects.update(occurred_at=timezone.now() - datetime.timedelta(days=4))
    expired = _page(client, package)
    assert expired.status_code == 404
    assert b"This link has expired" in expired.content


def test_an_attempt_shows_the_reason(client):
    route = driving_route(stops=1)
    [package] = _packages(route)
    DeliveryEventFactory(
        route=route, package=package, kind=DeliveryEvent.Kind.FAILED, reason="no_access"
    )
    text = _page(client, package).content.decode()
    assert "Delivery attempted" in text
    assert "Unable to access (gate, locked building)" in text


def test_an_unknown_token_is_not_found(client):
    response = client.get(reverse("routes:tracking", kwargs={"token": "not-a-real-token"}))
    assert response.status_code == 404


# --- Links sent to recipients when the route goes out ---------------------------------------


class RefusingSms:
    """An SMS gateway that refuses every number (stands in for a provider's error)."""

    def send(self, to, body):
        raise RuntimeError(f"Number {to} refused by the gateway.")


def _contacts(route):
    by_email, by_phone, silent = _packages(route)
    Package.objects.filter(pk=by_email.pk).update(recipient_email="ann@mail.test")
    Package.objects.filter(pk=by_phone.pk).update(recipient_phone="+1 214 555 0100")
    return by_email, by_phone, silent


def test_clocking_in_sends_each_recipients_link_once(
    client, django_capture_on_commit_callbacks, settings, monkeypatch
):
    # given: a route of three packages: one recipient gave an e-mail, one a phone, one neither
    settings.ROUTES_PUBLIC_URL = "https://track.nextmile.test"
    route = driving_route(stops=3)
    by_email, by_phone, _ = _contacts(route)
    sms.outbox.clear()
    queued = []
    monkeypatch.setattr(tracking_links_send_task, "delay", queued.append)
    # when: the driver clocks in (the route goes out for delivery)
    with django_capture_on_commit_callbacks(execute=True):
        punch_record(
            route=route,
            kind="clock_in",
            idempotency_key="in-1",
            odometer_km=route.vehicle.odometer_km + 1,
            vehicle_plate=route.vehicle.plate,
        )
    # then: one task is queued for the route, after commit, on the default queue
    assert queued == [route.pk]
    assert tracking_links_send_task.queue == "default"
    # when: the task's service runs, twice (a redelivered message)
    first = tracking_links_send(route_id=route.pk)
    second = tracking_links_send(route_id=route.pk)
    # then: one e-mail and one text with each package's own link, nothing more
    assert (first, second) == ({"sent": 2, "failed": 0}, {"sent": 0, "failed": 0})
    [email] = mail.outbox
    link = TrackingLink.objects.get(package=by_email)
    assert email.to == ["ann@mail.test"]
    assert f"https://track.nextmile.test/routes/track/{link.token}/" in email.body
    [text] = sms.outbox
    assert text["to"] == "+1 214 555 0100"
    assert TrackingLink.objects.get(package=by_phone).token in text["body"]
    # and: dispatch sees them sent on the board
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    board = client.get(reverse("routes:day-board")).content.decode()
    assert "2 links · 2 sent</a>" in board


def test_a_refused_text_is_recorded_as_failed_and_not_retried(client, settings):
    settings.ROUTES_SMS_BACKEND = "tests.routes.test_tracking.RefusingSms"
    route = driving_route(stops=3)
    _contacts(route)
    assert tracking_links_send(route_id=route.pk) == {"sent": 1, "failed": 1}
    failed = TrackingNotice.objects.get(status=TrackingNotice.Status.FAILED)
    assert (failed.channel, failed.error) == (
        "sms",
        "Number +1 214 555 0100 refused by the gateway.",
    )
    assert tracking_links_send(route_id=route.pk) == {"sent": 0, "failed": 0}
    assert len(mail.outbox) == 1
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    board = client.get(reverse("routes:day-board")).content.decode()
    assert '2 links · 1 sent</a> · <span class="badge error">1 failed</span>' in board


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_links_go_out_on_a_real_worker_when_the_driver_clocks_in(client, celery_worker_process):
    # given: a route whose recipients gave an e-mail and a phone
    route = driving_route(stops=3)
    _contacts(route)
    client.force_login(route.driver.user)
    body = {
        "route": route.pk,
        "kind": "clock_in",
        "idempotency_key": "in-worker",
        "odometer_km": route.vehicle.odometer_km + 5,
        "vehicle_plate": route.vehicle.plate,
    }
    # when: the driver clocks in through the API
    assert client.post(reverse("api:day-punch"), body).status_code == 201
    # then: the worker sends both links (default queue) and records them
    sent = wait_until(
        lambda: TrackingNotice.objects.filter(status=TrackingNotice.Status.SENT).count() == 2
    )
    assert sent
    assert sorted(TrackingNotice.objects.values_list("channel", flat=True)) == ["email", "sms"]
