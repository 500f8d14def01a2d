"""Production settings never seed demo users; the login limit follows the real client."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from dsps.models import Dsp
from tests.dsps.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_is_refused_when_settings_forbid_demo_data(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="Demo data is refused by these settings"):
        call_command("seed_demo")
    assert Dsp.objects.count() == 0


def test_production_settings_refuse_seed_demo_and_compose_does_not_seed():
    # given: the production settings module, started as an operator would
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nextmile.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:9/none",
        "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
    }
    # when
    run = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    # then: refused before it touches any database, and compose never asks for it
    assert run.returncode == 1
    assert "Demo data is refused by these settings" in run.stderr
    assert "seed_demo" not in (root / "docker-compose.yml").read_text()


def _fail_login(client, ip: str):
    return client.post(
        reverse("account_login"),
        {"login": "someone@mail.test", "password": "wrong"},
        HTTP_X_FORWARDED_FOR=f"{ip}, 10.0.0.2",
        REMOTE_ADDR="10.0.0.1",
    )


def test_behind_two_proxies_one_clients_failures_do_not_lock_out_another(client, settings):
    # given: allauth's limits on, a proxy chain of two, and one client who keeps guessing
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    UserFactory(email="someone@mail.test")
    answers = [_fail_login(client, "203.0.113.7").content.decode() for _ in range(4)]
    # when: another client behind the same proxies tries once
    other = _fail_login(client, "198.51.100.9")
    # then: the guesser is limited, the other client is not
    limited = "Too many failed login attempts"
    assert [limited in page for page in answers] == [False, False, False, True]
    assert limited not in other.content.decode()
