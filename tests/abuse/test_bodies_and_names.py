"""Huge JSON bodies and path tricks in upload names."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from drivers.models import DriverDocument
from dsps.models import Role
from fleet.models import InsurancePolicy
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_json_body_over_the_memory_limit_is_a_400_not_a_500(client, settings):
    # given: a body just over DATA_UPLOAD_MAX_MEMORY_SIZE (and under the request cap)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    member = MembershipFactory(role=Role.OWNER)
    client.force_login(member.user)
    body = json.dumps({"insurer": "x" * 200_000})
    # when
    response = client.post(
        reverse("api:insurance-policy-list"), body, content_type="application/json"
    )
    # then
    assert response.status_code in (400, 413)
    assert InsurancePolicy.objects.count() == 0


def test_a_json_body_declaring_more_than_the_request_cap_is_a_413(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    body = json.dumps({"insurer": "x" * 2000})
    response = client.post(
        reverse("api:insurance-policy-list"), body, content_type="application/json"
    )
    assert response.status_code == 413
    assert InsurancePolicy.objects.count() == 0


def test_deeply_nested_json_is_refused_cleanly(client):
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(
        reverse("api:insurance-policy-list"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert InsurancePolicy.objects.count() == 0


def test_an_upload_named_with_a_path_is_stored_under_a_safe_name(client, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    dsp = DspFactory()
    driver = DriverFactory(dsp=dsp)
    client.force_login(MembershipFactory(dsp=dsp, role=Role.OWNER).user)
    upload = SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    # when
    response = client.post(
        reverse("drivers:document-add", kwargs={"pk": driver.pk}),
        {"kind": "licence", "file": upload},
    )
    # then
    assert response.status_code == 302
    document = DriverDocument.objects.get()
    assert ".." not in document.file.name and "etc/" not in document.file.name
    assert document.file.name.endswith(".pdf")
    stored = (tmp_path / document.file.name).resolve()
    assert stored.is_relative_to(tmp_path.resolve()) and stored.exists()
    assert not (tmp_path.parent / "etc").exists()
