"""A task goes through the real Redis broker to a real worker, which writes to the database."""

import pytest
from django.db import transaction

from routes.models import Manifest
from routes.planning.jobs import manifest_summarise_later
from tests.conftest import wait_until
from tests.routes.factories import ManifestFactory, PackageFactory


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_queued_summary_is_written_by_the_worker(celery_worker_process):
    # given: a manifest with three packages whose totals nobody has counted yet
    manifest = ManifestFactory()
    for size in (1, 2, 5):
        PackageFactory(manifest=manifest, size=size)
    # when: the summary is queued after commit, as an import would
    with transaction.atomic():
        manifest_summarise_later(manifest=manifest)
    # then: the worker process wrote the totals
    done = wait_until(
        lambda: Manifest.objects.filter(pk=manifest.pk, summarised_at__isnull=False).first()
    )
    assert (done.package_count, done.total_volume) == (3, 8)
