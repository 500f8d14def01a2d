"""Recipient tracking links: public, unguessable, showing the package's state and nothing else."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from routes.models import DeliveryEvent, Route, TrackingLink
from routes.tracking import tracking_link_for
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


def test_out_for_delivery_shows_stops_away_and_an_eta_window_and_nothing_else(client):
    # given: a route in progress, the first of three stops delivered
    route = driving_route(stops=3)
    Route.objects.filter(pk=route.pk).update(status=Route.Status.IN_PROGRESS)
    first, _, third = _packages(route)
    DeliveryEventFactory(route=route, package=first, route_stop=first.stop.route_stop)
    # when: an anonymous visitor opens the third package's link
    response = _page(client, third)
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 stop away." in text
    arrival = timezone.localtime(third.stop.route_stop.planned_arrival, route.station.tz)
    start = arrival - datetime.timedelta(minutes=30)
    end = arrival + datetime.timedelta(minutes=30)
    assert f"Expected between {start:%H:%M} and {end:%H:%M}." in text
    for secret in (
        third.recipient_name,
        third.address,
        first.tracking_id,
        third.tracking_id,
        route.driver.full_name,
        str(third.latitude),
        route.dsp.name,
    ):
        assert secret not in text


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
