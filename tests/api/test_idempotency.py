"""Idempotency keys under concurrency: twins sent at the same moment do the work once."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from dsps.models import IdempotentRequest, Role
from dsps.services.api_keys import api_key_create
from routes.models import Manifest, Package
from routes.web.api import planning as planning_api
from tests.dsps.factories import MembershipFactory, TerritoryFactory
from tests.routes.factories import onboarded_dsp
from tests.threads import in_thread

HEADER = "tracking_id,recipient_name,address,latitude,longitude"


def _feed():
    """A DSP ready to import its day, and its dispatcher key: (raw key, the station's today)."""
    dsp = onboarded_dsp()
    TerritoryFactory(station=dsp.station, dsp=dsp)
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    _, raw = api_key_create(by=owner, name="feed", scope="dispatcher")
    return raw, dsp.station.today()


def _import(raw_key: str, day, idempotency_key: str):
    """Post one manifest import with a fresh client (one per thread)."""
    upload = SimpleUploadedFile("m.csv", f"{HEADER}\nTW1,A,1 Main St,32.8061,-96.8064\n".encode())
    return APIClient().post(
        "/api/v1/manifests/import/",
        {"file": upload, "service_date": day},
        format="multipart",
        HTTP_AUTHORIZATION=f"Bearer {raw_key}",
        HTTP_IDEMPOTENCY_KEY=idempotency_key,
    )


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_with_one_key_import_once_and_both_get_the_first_answer(
    monkeypatch,
):
    # given: a dispatcher key, and an import slow enough for its twin to arrive meanwhile
    raw, day = _feed()
    real_import = planning_api.manifest_import

    def slow_import(**kwargs):
        time.sleep(0.5)
        return real_import(**kwargs)

    monkeypatch.setattr(planning_api, "manifest_import", slow_import)
    results: dict = {}
    # when: the same request twice at once, each on its own connection
    threads = [in_thread(lambda: _import(raw, day, "feed-1"), results, n) for n in (1, 2)]
    for thread in threads:
        thread.join()
    # then: one import, and both answers are its 201
    first, second = results[1], results[2]
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert list(Package.objects.values_list("tracking_id", flat=True)) == ["TW1"]
    assert Manifest.objects.count() == 1
    assert IdempotentRequest.objects.get().status_code == 201


@pytest.mark.django_db
def test_a_server_error_gives_the_key_up_so_a_retry_does_the_work(monkeypatch):
    # given: the first attempt fails inside the server
    raw, day = _feed()
    real_import = planning_api.manifest_import

    def broken_import(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(planning_api, "manifest_import", broken_import)
    with pytest.raises(RuntimeError):
        _import(raw, day, "feed-2")
    # when: it is retried with the same key once the server is well again
    monkeypatch.setattr(planning_api, "manifest_import", real_import)
    retry = _import(raw, day, "feed-2")
    # then: the retry did the work; nothing was kept from the failed attempt
    assert retry.status_code == 201
    assert list(Package.objects.values_list("tracking_id", flat=True)) == ["TW1"]
