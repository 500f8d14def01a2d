"""Uploaded files checked by what they contain, not by their name, and kept to a size limit."""

from __future__ import annotations

import mimetypes
import os
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from PIL import Image, UnidentifiedImageError

# Leading bytes of each accepted kind.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}
DOCUMENT_KINDS = ("pdf", "png", "jpeg")
IMAGE_KINDS = ("png", "jpeg")
PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG"}
# Markup a browser would run if it ever took the file for HTML; no real PDF carries it as text.
HTML_IN_FILE = re.compile(rb"<\s*(script|html|body|iframe|svg|!doctype)\b", re.IGNORECASE)
# Types a browser may show in the page; anything else is served as a download.
INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")


def sniff_kind(upload) -> str | None:
    """The kind of file by its first bytes (None when it is none we accept)."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    for kind, prefixes in SIGNATURES.items():
        if any(head.startswith(prefix) for prefix in prefixes):
            return kind
    return None


def validate_upload(
    upload, *, field: str, kinds: tuple[str, ...] = DOCUMENT_KINDS, max_bytes: int | None = None
) -> str:
    """Raise a ValidationError naming `field` unless the file is one of `kinds` and small enough.

    Returns the detected kind. The size limit defaults to MAX_DOCUMENT_UPLOAD_BYTES.
    """
    limit = max_bytes or settings.MAX_DOCUMENT_UPLOAD_BYTES
    if upload is None:
        raise ValidationError({field: "Choose a file to upload."})
    if upload.size == 0:
        raise ValidationError({field: "The file is empty."})
    if upload.size > limit:
        raise ValidationError(
            {field: f"The file is {upload.size / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB."}
        )
    kind = sniff_kind(upload)
    if kind not in kinds or not _content_matches(upload, kind):
        names = ", ".join(k.upper() for k in kinds)
        raise ValidationError({field: f"The file is not a {names} file (checked by its content)."})
    return kind


def _content_matches(upload, kind: str) -> bool:
    """Past the first bytes: a PDF holds no HTML, an image opens and checks out in Pillow."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        if kind == "pdf":
            return HTML_IN_FILE.search(upload.read()) is None
        try:
            with Image.open(upload) as image:
                image.verify()
                return image.format == PILLOW_FORMATS[kind]
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return False
    finally:
        upload.seek(position)


def serve_upload(stored, *, filename: str | None = None) -> FileResponse:
    """Send a stored upload with the type its checked extension names.

    PDFs and images may show in the browser; anything else (files from before content checks)
    downloads as an attachment, and nosniff stops the browser from guessing HTML out of it.
    Callers check the user may see the file first: media has no public URL.
    """
    name = filename or os.path.basename(stored.name)
    content_type = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        stored.open("rb"),
        as_attachment=not inline,
        filename=name,
        content_type=content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def safe_upload_name(original: str, kind: str) -> str:
    """A storage name that keeps no path from the client: a random stem and the real extension."""
    stem = os.path.splitext(os.path.basename(original or ""))[0][:40]
    cleaned = "".join(c for c in stem if c.isalnum() or c in "-_") or "file"
    extension = {"jpeg": "jpg"}.get(kind, kind)
    return f"{cleaned}-{uuid.uuid4().hex[:12]}.{extension}"
