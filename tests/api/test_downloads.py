"""Downloads through the API with a key: the same files as the pages, scoped the same way."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dsps.models import Role
from dsps.services.api_keys import api_key_create
from tests.billing.factories import approved_statement
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.routes.factories import driving_route, route_with_packages


def _key(user, scope="owner") -> dict:
    _, raw = api_key_create(by=user, name="integration", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _owner(dsp):
    return MembershipFactory(dsp=dsp, role=Role.OWNER).user


def test_a_statement_downloads_as_the_page_gives_it(client, db):
    # given: an approved statement and its DSP's owner, with a key and a browser session
    statement = approved_statement()
    owner = _owner(statement.dsp)
    auth = _key(owner, scope="read_only")
    client.force_login(owner)
    page_csv = client.get(reverse("billing:statement-csv", kwargs={"pk": statement.pk}))
    page_pdf = client.get(reverse("billing:statement-pdf", kwargs={"pk": statement.pk}))
    client.logout()
    # when
    csv_ = client.get(reverse("api:statement-csv", kwargs={"pk": statement.pk}), **auth)
    pdf = client.get(reverse("api:statement-pdf", kwargs={"pk": statement.pk}), **auth)
    octet = client.get(
        reverse("api:statement-pdf", kwargs={"pk": statement.pk}),
        HTTP_ACCEPT="application/octet-stream",
        **auth,
    )
    # then: the very files of the pages
    assert (csv_.status_code, csv_["Content-Type"]) == (200, "text/csv")
    assert csv_.content == page_csv.content
    assert csv_["Content-Disposition"] == page_csv["Content-Disposition"]
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content[:5] == b"%PDF-" == page_pdf.content[:5]
    assert (octet["Content-Type"], octet.content[:5]) == ("application/octet-stream", b"%PDF-")


def test_another_dsps_statement_is_not_found_and_drivers_are_refused(client, db):
    # given
    statement = approved_statement()
    stranger = _key(_owner(DspFactory(station=statement.dsp.station)))
    driver = MembershipFactory(dsp=statement.dsp, role=Role.DRIVER).user
    url = reverse("api:statement-pdf", kwargs={"pk": statement.pk})
    # when
    foreign = client.get(url, **stranger)
    client.force_login(driver)
    as_driver = client.get(url)
    # then: a JSON refusal with its code, never the file
    assert (foreign.status_code, foreign["Content-Type"]) == (404, "application/json")
    assert foreign.json()["code"] == "not_found"
    assert (as_driver.status_code, as_driver.json()["code"]) == (403, "permission_denied")


def test_the_manifest_template_and_day_export_match_the_pages(client, db):
    # given: a route of the owner's DSP today, and another DSP's route the same day
    route = route_with_packages(dsp=DspFactory(), stops=2)
    route_with_packages(dsp=DspFactory(station=route.dsp.station), stops=1)
    owner = _owner(route.dsp)
    auth = _key(owner, scope="dispatcher")
    day = route.service_date
    client.force_login(owner)
    page_template = client.get(reverse("routes:manifest-template"))
    page_export = client.get(reverse("routes:day-export"), {"date": day.isoformat()})
    client.logout()
    # when
    template = client.get(reverse("api:manifest-template"), **auth)
    export = client.get(reverse("api:day-export"), {"service_date": day.isoformat()}, **auth)
    bad_day = client.get(reverse("api:day-export"), {"service_date": "someday"}, **auth)
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DRIVER).user)
    as_driver = [
        client.get(reverse(n)).status_code for n in ("api:manifest-template", "api:day-export")
    ]
    # then: the owner's two stops and nobody else's
    assert (template.status_code, template.content) == (200, page_template.content)
    assert (export.status_code, export.content) == (200, page_export.content)
    lines = export.content.decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [route.code, route.code]
    assert bad_day.status_code == 400
    assert list(bad_day.json()) == ["service_date"]
    assert as_driver == [403, 403]  # as on the pages: drivers do not plan


def _png() -> SimpleUploadedFile:
    rng = random.Random(7)
    image = Image.new("RGB", (120, 90))
    image.putdata([(rng.randint(40, 230),) * 3 for _ in range(120 * 90)])
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("proof.png", out.getvalue(), content_type="image/png")


def test_a_delivery_photo_url_works_with_the_key_and_not_for_another_dsp(client, db):
    # given: a dispatcher's key of the route's DSP posts a delivery with a photo
    route = driving_route(stops=1)
    auth = _key(_owner(route.dsp), scope="dispatcher")
    package = route.route_stops.get().stop.packages.first()
    posted = client.post(
        reverse("api:day-event"),
        {
            "route": route.pk,
            "code": package.tracking_id,
            "kind": "delivered",
            "delivered_to": "recipient",
            "idempotency_key": "photo-1",
            "photo": _png(),
        },
        **auth,
    )
    url = posted.json()["photo_url"]
    # when
    photo = client.get(url, **auth)
    foreign = client.get(url, **_key(_owner(DspFactory(station=route.dsp.station))))
    # then
    assert posted.status_code == 201
    assert url == f"http://testserver/api/v1/delivery-events/{posted.json()['id']}/photo/"
    assert (photo.status_code, photo["Content-Type"]) == (200, "image/png")
    assert b"".join(photo.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    assert (foreign.status_code, foreign.json()["code"]) == (404, "not_found")
