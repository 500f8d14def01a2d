"""Sign-in, sign-up, password reset and e-mail pages wear the product's layout: its header,
plain labels (no "Email:"), and styled buttons only."""

import re

import pytest

from tests.dsps.factories import StaffFactory

pytestmark = pytest.mark.django_db

UNSTYLED = re.compile(r"<button(?![^>]*class=\"[^\"]*\b(button|link)\b)[^>]*>")


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
)
def test_entrance_pages_match_the_product(client, url):
    page = client.get(url).content.decode()
    assert '<a class="brand" href="/">NextMile</a>' in page
    assert 'class="card auth-form"' in page
    assert "Email:" not in page and "Password:" not in page
    assert not UNSTYLED.search(page), UNSTYLED.search(page).group(0)


def test_the_email_page_of_a_signed_in_user_matches_the_product(client):
    client.force_login(StaffFactory().user)
    page = client.get("/accounts/email/").content.decode()
    assert 'class="card auth-form"' in page
    assert not UNSTYLED.search(page), UNSTYLED.search(page).group(0)


def test_a_wrong_password_is_explained_above_the_form(client):
    user = StaffFactory().user
    page = client.post("/accounts/login/", {"login": user.email, "password": "nope"})
    assert 'class="msg error" role="alert"' in page.content.decode()
