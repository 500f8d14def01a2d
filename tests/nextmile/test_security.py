"""Security headers on every page, and production settings that pass the deploy check."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import override_settings

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=", re.IGNORECASE)


def test_pages_carry_security_headers(client, db):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "cdn" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert script_src.strip() == "script-src 'self'"


def test_no_template_carries_an_inline_script_a_handler_or_safe_data():
    found = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        found += [f"{template.name}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{template.name}: |safe" for _ in re.finditer(r"\|\s*safe\b", text)]
    assert found == []


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_is_sent_over_https(client, db):
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "nextmile.settings.production",
        "SECRET_KEY": "x" * 20 + "-production-secret-for-the-check-only-0123456789",
        "ALLOWED_HOSTS": "nextmile.example",
        "DATABASE_URL": "postgres://nextmile:nextmile@127.0.0.1:5432/nextmile",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {"DJANGO_SETTINGS_MODULE": "nextmile.settings.production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
