"""After a week closes, a real beat and worker make its scorecard and draft statement, once."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.db import connection

from billing.models import Scorecard, Statement
from dsps.calendar import last_closed_week
from nextmile.celery import app
from routes.models import Route
from tests.billing.factories import RateCardFactory
from tests.conftest import start_worker, stop_worker, wait_until
from tests.dsps.factories import DspFactory
from tests.routes.factories import DeliveryEventFactory, PackageFactory, RouteFactory


@pytest.fixture
def beat_worker(tmp_path):
    """A worker with an embedded beat, closing weeks every second on a private queue."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("worker tests need CELERY_BROKER_URL=redis://… (make test sets it)")
    queue = f"billing-beat-{uuid.uuid4().hex[:8]}"
    proc = start_worker(
        queues=queue,
        log_name="beat-worker",
        database=connection.settings_dict,
        env={
            "BILLING_QUEUE": queue,
            "BILLING_WEEK_CLOSE_INTERVAL_S": "1",
        },
        extra=("--beat", f"--schedule={tmp_path / 'beat-schedule'}", "-n", f"{queue}@%h"),
    )
    yield proc
    stop_worker(proc)

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_closed_week_gets_one_scorecard_and_one_draft_statement(beat_worker):
    # given: an active DSP with rates and a route run in the week that last closed
    dsp = DspFactory(status="active")
    week = last_closed_week(dsp.station)
    RateCardFactory(station=dsp.station, effective_from=week - datetime.timedelta(days=28))
    route = RouteFactory(dsp=dsp, service_date=week, status=Route.Status.COMPLETED)
    for _ in range(2):
        DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))
    # when: beat closes the week every second; wait for the statement, then for a rebuild
    first = wait_until(
        lambda: Statement.objects.filter(dsp=dsp, week_start=week).first(), timeout=45
    )
    wait_until(
        lambda: Statement.objects.filter(pk=first.pk, updated_at__gt=first.updated_at).exists(),
        timeout=20,
    )
    # then: still one scorecard and one draft statement, with the same lines
    assert Scorecard.objects.filter(dsp=dsp).count() == 1
    statement = Statement.objects.get(dsp=dsp)
    assert (statement.week_start, statement.status) == (week, Statement.Status.DRAFT)
    assert sorted(statement.lines.values_list("kind", "quantity")) == [
        ("packages", 2),
        ("routes", 1),
        ("vans", 0),
    ]
    assert statement.net == first.net
