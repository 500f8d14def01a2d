"""Test settings: the real PostgreSQL and Redis from the environment, a fast password hasher."""

import os

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Plain storage: manifest storage needs collectstatic first and would 500 in tests.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/nextmile-test-media")
# Tests never reach outside 127.0.0.1: no tile server.
MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
ACCOUNT_RATE_LIMITS = False
WHITENOISE_USE_FINDERS = True
# Tests receive webhooks on a local server.
WEBHOOK_ALLOWED_PRIVATE_ADDRESSES = ["127.0.0.1"]


def _broker_for_test_process(url: str) -> str:
    """Each pytest-xdist process (gw0, gw1, …) takes the next Redis database of the broker.

    Two test processes on one broker would take each other's tasks to the wrong database.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not url.startswith("redis://"):
        return url
    base, _, index = url.rpartition("/")
    first = int(index or 0)
    return f"{base}/{(first + int(worker[2:])) % 16}"


CELERY_BROKER_URL = _broker_for_test_process(CELERY_BROKER_URL)
