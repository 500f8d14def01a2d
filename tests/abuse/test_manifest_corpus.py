"""Malformed manifests through the import page: a clear error each time, nothing half-written."""

import codecs

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dsps.models import Role
from routes.models import Manifest, Package, Stop
from tests.dsps.factories import MembershipFactory, TerritoryFactory
from tests.routes.factories import onboarded_dsp

pytestmark = pytest.mark.django_db

HEADER = "tracking_id,recipient_name,address,latitude,longitude"
GOOD = "P1,A. Smith,3500 Maple Ave,32.806100,-96.806400"
CORPUS = {
    "utf-16": (f"{HEADER}\n{GOOD}\n".encode("utf-16"), "not UTF-8"),
    "latin-1 row after a UTF-8 header": (
        f"{HEADER}\n{GOOD}\n".encode()
        + "P2,José Núñez,1 Café St,32.8061,-96.8064\n".encode("latin-1"),
        "not UTF-8",
    ),
    "binary garbage": (bytes(range(256)) * 40, "nothing was imported"),
    "a PNG renamed .csv": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not UTF-8"),
    "NUL bytes in a cell": (
        f"{HEADER}\n{GOOD}\nP2,A\x00B,1 Elm,32.8,-96.8\n".encode(),
        "Broken CSV",
    ),
    "a header only": (f"{HEADER}\n".encode(), "no packages"),
    "an empty file": (b"", "The submitted file is empty."),
    "unknown columns": (b"\xef\xbb\xbf=cmd|' /C calc'!A0,b\n1,2\n", "Unknown column"),
    "a row of ten thousand columns": (f"{HEADER}\n{'x,' * 10_000}\n".encode(), "problem"),
}


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("routes").get_models()}


@pytest.fixture
def dispatcher(db):
    dsp = onboarded_dsp()
    TerritoryFactory(station=dsp.station, dsp=dsp)
    return MembershipFactory(dsp=dsp, role=Role.DISPATCHER).user


def _post(client, user, content: bytes, name="manifest.csv"):
    client.force_login(user)
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    day = user.membership.dsp.station.today().isoformat()
    return client.post(reverse("routes:manifest-import"), {"service_date": day, "file": upload})


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_a_malformed_manifest_is_refused_with_a_clear_error_and_nothing_written(
    client, dispatcher, case
):
    # given
    content, expected = CORPUS[case]
    before = _counts()
    # when
    response = _post(client, dispatcher, content)
    # then: the page again (200, not a 500 nor a redirect), naming the problem
    assert response.status_code == 200, case
    assert expected in response.content.decode(), case
    assert _counts() == before, case


def test_a_manifest_over_the_size_limit_is_refused_before_it_is_read(client, dispatcher, settings):
    settings.ROUTES_MAX_MANIFEST_BYTES = 1000
    content = (f"{HEADER}\n" + f"{GOOD}\n" * 40).encode()
    response = _post(client, dispatcher, content)
    assert response.status_code == 200
    assert "the limit is 0 MB" in response.content.decode()
    assert (Manifest.objects.count(), Package.objects.count(), Stop.objects.count()) == (0, 0, 0)


def test_a_request_claiming_a_gigabyte_is_refused_without_reading_the_body(client, dispatcher):
    client.force_login(dispatcher)
    response = client.generic(
        "POST",
        reverse("routes:manifest-import"),
        b"tiny",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(1024**3),
    )
    assert response.status_code == 413
    assert "the limit is 26 MB" in response.content.decode()
    assert Package.objects.count() == 0


def test_a_utf8_file_with_a_bom_still_imports(client, dispatcher):
    content = codecs.BOM_UTF8 + f"{HEADER}\n{GOOD}\n".encode()
    response = _post(client, dispatcher, content)
    assert response.status_code == 302
    assert Package.objects.count() == 1
