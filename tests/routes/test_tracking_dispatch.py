"""Dispatch sees each package's tracking link (sent or not, by which channel, when), copies it
or sends it again; only the DSP's own dispatchers can."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dsps.models import Role
from routes.day import sms
from routes.day.tracking import tracking_links_send
from routes.models import TrackingLink, TrackingNotice
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import driving_route
from tests.routes.test_tracking import _contacts

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_route(settings):
    """A route of three packages (e-mail, phone, no contact) whose links went out at 14:05 UTC."""
    settings.ROUTES_PUBLIC_URL = "https://track.nextmile.test"
    route = driving_route(stops=3)
    packages = _contacts(route)
    sms.outbox.clear()
    tracking_links_send(route_id=route.pk)
    at = datetime.datetime(2026, 3, 2, 14, 5, tzinfo=datetime.UTC)
    TrackingNotice.objects.update(sent_at=at)
    mail.outbox.clear()
    sms.outbox.clear()
    return route, packages


def _dispatcher(client, dsp, role=Role.DISPATCHER):
    client.force_login(MembershipFactory(dsp=dsp, role=role).user)


def test_the_route_page_lists_each_package_link_channel_and_time(client, sent_route):
    route, (by_email, _, _) = sent_route
    _dispatcher(client, route.dsp)
    board = client.get(reverse("routes:day-board")).content.decode()
    assert reverse("routes:day-links", args=[route.pk]) in board
    page = client.get(reverse("routes:day-links", args=[route.pk])).content.decode()
    token = TrackingLink.objects.get(package=by_email).token
    assert f'value="https://track.nextmile.test/routes/track/{token}/"' in page
    assert f'href="https://track.nextmile.test/routes/track/{token}/"' in page
    local = timezone.localtime(
        datetime.datetime(2026, 3, 2, 14, 5, tzinfo=datetime.UTC), route.station.tz
    )
    assert f"E-mail sent</span> {local:%H:%M}" in page
    assert f"SMS sent</span> {local:%H:%M}" in page
    assert "Not sent · no e-mail or phone" in page
    assert page.count("Send again") == 2


def test_resending_sends_again_counts_it_and_refuses_a_second_within_ten_minutes(
    client, sent_route
):
    route, (by_email, _, silent) = sent_route
    _dispatcher(client, route.dsp)
    url = reverse("routes:day-link-resend", args=[route.pk, by_email.pk])
    page = client.post(url, follow=True).content.decode()
    assert "Tracking link sent again: E-mail sent." in page
    [email] = mail.outbox
    assert TrackingLink.objects.get(package=by_email).token in email.body
    notice = TrackingNotice.objects.get(package=by_email)
    assert notice.resends == 1
    assert timezone.now() - notice.sent_at < datetime.timedelta(minutes=1)
    assert "sent again 1×" in page
    again = client.post(url, follow=True).content.decode()
    assert "went out less than 10 minutes ago" in again
    assert len(mail.outbox) == 1
    assert TrackingNotice.objects.get(package=by_email).resends == 1
    no_contact = client.post(
        reverse("routes:day-link-resend", args=[route.pk, silent.pk]), follow=True
    )
    assert "This recipient has no e-mail address or phone number." in no_contact.content.decode()


def test_another_dsp_and_a_driver_can_neither_see_nor_resend(client, sent_route):
    route, (by_email, _, _) = sent_route
    other = driving_route(stops=1)
    links = reverse("routes:day-links", args=[route.pk])
    resend = reverse("routes:day-link-resend", args=[route.pk, by_email.pk])
    _dispatcher(client, other.dsp)
    assert client.get(links).status_code == 404
    assert client.post(resend).status_code == 404
    client.force_login(route.driver.user)
    assert client.get(links).status_code == 403
    assert client.post(resend).status_code == 403
    assert mail.outbox == []
    assert TrackingNotice.objects.get(package=by_email).resends == 0


def test_a_package_of_another_route_cannot_be_resent_through_this_one(client, sent_route):
    route, _ = sent_route
    other = driving_route(stops=1)
    [package] = [rs.stop.packages.get() for rs in other.route_stops.all()]
    _dispatcher(client, route.dsp)
    response = client.post(reverse("routes:day-link-resend", args=[route.pk, package.pk]))
    assert response.status_code == 404
