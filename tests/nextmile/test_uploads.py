import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from nextmile.uploads import safe_upload_name, validate_upload


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
