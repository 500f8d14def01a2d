import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from nextmile.uploads import IMAGE_KINDS, safe_upload_name, validate_upload
from tests.drivers.factories import DocumentFactory
from tests.dsps.factories import MembershipFactory


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_pdf_and_a_png_are_accepted_by_content():
    assert validate_upload(SimpleUploadedFile("x.bin", b"%PDF-1.4 ..."), field="doc") == "pdf"
    assert validate_upload(SimpleUploadedFile("scan.pdf", _png()), field="doc") == "png"


def test_a_renamed_executable_is_refused_naming_the_field():
    fake = SimpleUploadedFile("insurance.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError) as caught:
        validate_upload(fake, field="insurance_certificate")
    assert "insurance_certificate" in caught.value.message_dict


def test_an_oversize_file_is_refused_with_the_limit(settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 100
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200)
    with pytest.raises(ValidationError, match=r"limit is 0\.0 MB"):
        validate_upload(big, field="doc")


def test_upload_names_keep_no_path():
    name = safe_upload_name("../../etc/passwd.pdf", "pdf")
    assert "/" not in name and name.startswith("passwd-") and name.endswith(".pdf")


def test_a_pdf_header_over_html_is_refused():
    polyglot = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n<script>window.pwned = 1</script>\n")
    with pytest.raises(ValidationError) as caught:
        validate_upload(polyglot, field="file")
    assert "checked by its content" in caught.value.message_dict["file"][0]


def test_an_image_header_that_pillow_cannot_open_is_refused():
    broken = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n<html><script>1</script></html>")
    with pytest.raises(ValidationError):
        validate_upload(broken, field="photo", kinds=IMAGE_KINDS)
    assert validate_upload(SimpleUploadedFile("ok.png", _png()), field="photo") == "png"


@pytest.mark.django_db
def test_a_driver_document_is_served_by_stored_type_only_to_its_dsp(client):
    # given a PDF and, from before content checks, an HTML file stored as a document
    pdf = DocumentFactory()
    legacy = DocumentFactory(
        driver=pdf.driver,
        file=SimpleUploadedFile("old.html", b"<script>window.pwned = 1</script>"),
        original_name="old.html",
    )
    url = f"/drivers/documents/{pdf.pk}/"
    # then nobody signed out gets it, nor another DSP's owner
    assert client.get(url).status_code == 302
    client.force_login(MembershipFactory(role="owner").user)
    assert client.get(url).status_code == 404
    # and the DSP's owner gets the PDF inline and the HTML only as a plain download
    client.force_login(MembershipFactory(dsp=pdf.driver.dsp, role="owner").user)
    shown = client.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "application/pdf"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert not shown["Content-Disposition"].startswith("attachment")
    old = client.get(f"/drivers/documents/{legacy.pk}/")
    assert old["Content-Type"] == "application/octet-stream"
    assert old["Content-Disposition"].startswith("attachment")
    assert old["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_media_has_no_public_url(client, settings):
    document = DocumentFactory()
    client.force_login(MembershipFactory(dsp=document.driver.dsp, role="owner").user)
    assert client.get(settings.MEDIA_URL + document.file.name).status_code == 404
