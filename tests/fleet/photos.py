"""Small images made in the test, for defect photos."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fleet.models import Inspection, InspectionItem
from tests.fleet.factories import InspectionFactory


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="defect.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def defect_item(*, vehicle, inspector) -> InspectionItem:
    inspection = InspectionFactory(
        vehicle=vehicle, inspector=inspector, result=Inspection.Result.DEFECTS
    )
    item = InspectionItem(
        inspection=inspection, item="mirrors", state=InspectionItem.State.DEFECT, note="Cracked"
    )
    item.photo.save("mirror.png", png_upload(), save=False)
    item.save()
    return item
