"""One thread per route: driver, the DSP's dispatchers and program staff, with unread counts."""

import pytest
from django.urls import reverse

from dsps.models import Role
from routes.day.messages import message_send, message_thread_mark_read, unread_counts
from routes.models import Message
from tests.dsps.factories import MembershipFactory, StaffFactory
from tests.routes.live_factories import route_out

pytestmark = pytest.mark.django_db


def test_unread_counts_are_per_reader_and_clear_on_reading():
    # given: a route, its driver and a dispatcher
    route, _ = route_out()
    dispatcher = MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user
    driver = route.driver.user
    # when: the driver writes twice
    message_send(user=driver, route=route, body="Gate code missing at stop 2")
    message_send(user=driver, route=route, body="Also, stop 3 is closed")
    # then: two unread for the dispatcher, none for the driver
    assert unread_counts(user=dispatcher, routes=[route]) == {route.pk: 2}
    assert unread_counts(user=driver, routes=[route]) == {route.pk: 0}
    # when: the dispatcher reads the thread
    message_thread_mark_read(user=dispatcher, route=route)
    assert unread_counts(user=dispatcher, routes=[route]) == {route.pk: 0}
    # and a reply is unread for the driver
    message_send(user=dispatcher, route=route, body="Calling the customer")
    assert unread_counts(user=driver, routes=[route]) == {route.pk: 1}


def test_a_driver_messages_from_a_stop_through_the_api(client):
    route, stops = route_out()
    client.force_login(route.driver.user)
    response = client.post(
        reverse("api:route-messages", args=[route.pk]),
        {"body": "Dog in the yard", "route_stop": stops[1].pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    message = Message.objects.get()
    assert (message.route_id, message.route_stop_id, message.author_id, message.body) == (
        route.pk,
        stops[1].pk,
        route.driver.user_id,
        "Dog in the yard",
    )


def test_an_empty_message_is_refused_and_nothing_recorded(client):
    route, _ = route_out()
    client.force_login(route.driver.user)
    response = client.post(reverse("routes:messages", args=[route.pk]), {"body": "   "})
    assert response.status_code == 400
    assert "Write a message first." in response.content.decode()
    assert Message.objects.count() == 0


def test_a_driver_cannot_reach_another_drivers_thread_in_the_same_dsp(client):
    mine, _ = route_out()
    other, _ = route_out(dsp=mine.dsp)
    client.force_login(mine.driver.user)
    assert client.get(reverse("routes:messages", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("api:route-messages", args=[other.pk]),
        {"body": "hello"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Message.objects.count() == 0


def test_program_staff_take_part_in_any_thread(client):
    route, _ = route_out()
    client.force_login(StaffFactory().user)
    response = client.post(reverse("routes:messages", args=[route.pk]), {"body": "Support here"})
    assert response.status_code == 302
    assert Message.objects.get().body == "Support here"


def test_the_inbox_shows_unread_counts(client):
    route, _ = route_out(code="R-INBOX")
    message_send(user=route.driver.user, route=route, body="Running late")
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    page = client.get(reverse("routes:messages-inbox")).content.decode()
    assert "R-INBOX" in page
    assert '<td class="unread">1</td>' in page


def test_a_thread_reads_a_page_at_a_time_oldest_first(client):
    # given: three messages from the driver
    route, _ = route_out()
    for body in ("one", "two", "three"):
        message_send(user=route.driver.user, route=route, body=body)
    client.force_login(route.driver.user)
    url = reverse("api:route-messages", args=[route.pk])
    # when
    first = client.get(url, {"page_size": 2}).json()
    second = client.get(url, {"page_size": 2, "page": 2}).json()
    # then
    assert (first["count"], [m["body"] for m in first["results"]]) == (3, ["one", "two"])
    assert [m["body"] for m in second["results"]] == ["three"]
