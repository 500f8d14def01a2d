"""Location pings are pruned after the retention period; everything else stays."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from nextmile.celery import app
from routes.models import LocationPing, Route
from routes.tasks.retention import location_ping_prune, location_ping_prune_task
from tests.routes.factories import LocationPingFactory, RouteFactory

pytestmark = pytest.mark.django_db


def test_pings_older_than_the_setting_are_deleted_and_newer_ones_kept(settings):
    # given: pings 31, 29 and 0 days old, and a 30-day retention
    settings.LOCATION_PING_RETENTION_DAYS = 30
    now = timezone.now()
    route = RouteFactory()
    old = LocationPingFactory(route=route, recorded_at=now - datetime.timedelta(days=31))
    recent = LocationPingFactory(route=route, recorded_at=now - datetime.timedelta(days=29))
    fresh = LocationPingFactory(route=route, recorded_at=now)
    # when
    deleted = location_ping_prune(now=now)
    # then
    assert deleted == 1
    assert sorted(LocationPing.objects.values_list("pk", flat=True)) == sorted(
        [recent.pk, fresh.pk]
    )
    assert not LocationPing.objects.filter(pk=old.pk).exists()
    assert Route.objects.filter(pk=route.pk).exists()


def test_a_shorter_setting_prunes_more(settings):
    settings.LOCATION_PING_RETENTION_DAYS = 1
    now = timezone.now()
    LocationPingFactory(recorded_at=now - datetime.timedelta(days=2))
    LocationPingFactory(recorded_at=now - datetime.timedelta(hours=1))
    assert location_ping_prune(now=now) == 1
    assert LocationPing.objects.count() == 1


def test_the_task_runs_the_prune_and_is_scheduled_nightly(settings):
    settings.LOCATION_PING_RETENTION_DAYS = 30
    LocationPingFactory(recorded_at=timezone.now() - datetime.timedelta(days=40))
    assert location_ping_prune_task.apply().get() == 1
    assert LocationPing.objects.count() == 0
    schedule = django_settings.CELERY_BEAT_SCHEDULE["prune-location-pings"]
    assert schedule == {"task": "routes.prune_location_pings", "schedule": 86400}
    assert "routes.prune_location_pings" in app.tasks
