"""Sign-in: e-mail + password, and repeated failures are locked out."""

from django.core.cache import cache
from django.test import override_settings

from tests.dsps.factories import PASSWORD, StaffFactory


def test_sign_in_with_email_and_password_lands_on_home(client, db):
    user = StaffFactory().user
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/"


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/key"})
def test_repeated_failed_sign_ins_are_locked_out(client, db):
    cache.clear()
    user = StaffFactory().user
    for _ in range(3):
        refused = client.post("/accounts/login/", {"login": user.email, "password": "wrong"})
        assert refused.status_code == 200
    # even the right password is refused while the lockout lasts
    locked = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert locked.status_code in (200, 429)
    assert b"Too many failed login attempts" in locked.content
    assert "_auth_user_id" not in client.session
