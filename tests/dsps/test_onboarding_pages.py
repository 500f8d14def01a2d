"""Pages of onboarding: apply, review queue, decisions, audit trail, territories, market."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dsps.models import AuditEvent, DspApplication, Membership, Role, Territory
from dsps.onboarding import checklist_for
from dsps.services import application_approve, audit_record
from routes.models import Manifest, Package
from tests.dsps.factories import (
    DspApplicationFactory,
    DspFactory,
    MembershipFactory,
    StaffFactory,
    StationFactory,
    TerritoryFactory,
    UserFactory,
    square,
)


def test_a_user_without_a_role_is_offered_to_apply_and_starts_an_application(client, db):
    user = UserFactory()
    station = StationFactory()
    client.force_login(user)
    assert b"Start your DSP application" in client.get("/").content
    response = client.post(
        reverse("dsps:application-start"),
        {"business_name": "Prairie Parcels", "station": station.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dsps:application-mine")
    application = DspApplication.objects.get(applicant=user)
    assert application.dsp.name == "Prairie Parcels"


def test_the_owner_saves_a_draft_then_sees_submit_errors_on_the_fields(client, db):
    application = DspApplicationFactory(
        status=DspApplication.Status.DRAFT, insurance_certificate="", submitted_at=None
    )
    MembershipFactory(user=application.applicant, dsp=application.dsp)
    client.force_login(application.applicant)
    form = {"requested_station": application.requested_station_id, "legal_name": "New Name LLC"}
    response = client.post(reverse("dsps:application-mine"), {**form, "save": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.legal_name == "New Name LLC"
    response = client.post(reverse("dsps:application-mine"), {**form, "submit": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["insurance_certificate"] == [
        "Upload the insurance certificate."
    ]
    application.refresh_from_db()
    assert application.status == DspApplication.Status.DRAFT


def test_a_wrong_type_upload_on_the_page_names_the_field(client, db):
    application = DspApplicationFactory(status=DspApplication.Status.DRAFT)
    MembershipFactory(user=application.applicant, dsp=application.dsp)
    client.force_login(application.applicant)
    fake = SimpleUploadedFile("insurance.pdf", b"<html>not a pdf</html>")
    response = client.post(
        reverse("dsps:application-mine"),
        {
            "requested_station": application.requested_station_id,
            "insurance_certificate": fake,
            "save": "1",
        },
    )
    assert response.status_code == 200
    assert "checked by its content" in response.context["form"].errors["insurance_certificate"][0]


def test_staff_queue_filters_by_status_station_and_age(client, db, django_assert_max_num_queries):
    wanted = DspApplicationFactory(submitted_at=timezone.now() - timedelta(days=9))
    DspApplicationFactory(dsp=DspFactory(station=wanted.dsp.station, status="applying"))
    DspApplicationFactory(status=DspApplication.Status.DRAFT, submitted_at=None)
    DspApplicationFactory()  # another station
    client.force_login(StaffFactory().user)
    query = {"status": "submitted", "station": wanted.requested_station_id}
    response = client.get(reverse("dsps:application-list"), query)
    assert len(response.context["page"].object_list) == 2
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dsps:application-list"), {**query, "older_than": 7})
    assert list(response.context["page"].object_list) == [wanted]


def test_staff_decide_on_the_page_and_a_second_decision_is_refused(
    client, db, django_capture_on_commit_callbacks
):
    application = DspApplicationFactory()
    client.force_login(StaffFactory().user)
    url = reverse("dsps:application-decide", kwargs={"pk": application.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "reject", "reason": "No insurance."})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    response = client.post(url, {"decision": "approve", "documents_verified": "on"})
    assert response.status_code == 400
    assert "a decision cannot be made twice" in response.content.decode()
    application.refresh_from_db()
    assert application.status == DspApplication.Status.REJECTED


def test_documents_are_served_to_the_applicant_and_staff(client, db):
    application = DspApplicationFactory()
    MembershipFactory(user=application.applicant, dsp=application.dsp)
    url = reverse(
        "dsps:application-document",
        kwargs={"pk": application.pk, "kind": "business_registration"},
    )
    for user in (application.applicant, StaffFactory().user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    bad = reverse("dsps:application-document", kwargs={"pk": application.pk, "kind": "password"})
    assert client.get(bad).status_code == 404


def test_the_audit_page_filters_and_is_staff_only(client, db, django_assert_max_num_queries):
    dsp = DspFactory()
    staff = StaffFactory().user
    for n in range(3):
        audit_record(actor=staff, verb="territory.assigned", target=dsp, reason=f"r{n}")
    audit_record(actor=staff, verb="application.approved", target=dsp)
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dsps:audit-list"), {"verb": "territory"})
    assert [e.reason for e in response.context["page"].object_list] == ["r2", "r1", "r0"]
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    assert client.get(reverse("dsps:audit-list")).status_code == 403


def test_staff_map_colours_holders_and_flags_gaps(client, db):
    station = StationFactory()
    held = TerritoryFactory(station=station, code="A", boundary=square())
    TerritoryFactory(station=station, code="B", dsp=None, boundary=square(offset_lon=0.1))
    client.force_login(StaffFactory().user)
    response = client.get(reverse("dsps:territory-list"), {"station": station.pk})
    features = response.context["map_data"]["features"]
    assert [(f["properties"]["code"], f["properties"]["gap"]) for f in features] == [
        ("A", False),
        ("B", True),
    ]
    assert features[0]["properties"]["holder"] == held.dsp.name
    assert b'id="territory-map-data"' in response.content


def test_a_dsp_sees_its_own_territories_and_open_ones_not_other_holders(client, db):
    station = StationFactory()
    mine = TerritoryFactory(station=station, code="MINE", boundary=square())
    TerritoryFactory(station=station, code="THEIRS", boundary=square(offset_lon=0.1))
    TerritoryFactory(station=station, code="OPEN", dsp=None, boundary=square(offset_lon=0.2))
    client.force_login(MembershipFactory(dsp=mine.dsp, role=Role.DISPATCHER).user)
    response = client.get(reverse("dsps:territory-list"))
    codes = [f["properties"]["code"] for f in response.context["map_data"]["features"]]
    assert codes == ["MINE"]
    assert [t.code for t in response.context["open_territories"]] == ["OPEN"]
    assert b"THEIRS" not in response.content


def test_staff_draw_a_territory_and_an_overlap_is_shown_on_the_boundary(client, db):
    station = StationFactory()
    TerritoryFactory(station=station, code="OLD", boundary=square())
    client.force_login(StaffFactory().user)
    form = {"station": station.pk, "code": "NEW", "name": "New", "postal_codes": "75201"}
    response = client.post(
        reverse("dsps:territory-new"), {**form, "boundary": json.dumps(square(offset_lon=0.01))}
    )
    assert response.status_code == 200
    assert "overlaps OLD" in response.context["form"].errors["boundary"][0]
    assert not Territory.objects.filter(code="NEW").exists()
    response = client.post(
        reverse("dsps:territory-new"), {**form, "boundary": json.dumps(square(offset_lon=0.1))}
    )
    assert response.status_code == 302
    assert Territory.objects.get(code="NEW").dsp is None


def test_owner_requests_a_territory_and_staff_approve_it(
    client, db, django_capture_on_commit_callbacks
):
    territory = TerritoryFactory(dsp=None)
    owner = MembershipFactory(dsp=DspFactory(station=territory.station)).user
    client.force_login(owner)
    response = client.post(
        reverse("dsps:territory-request-list"),
        {"territory": territory.pk, "kind": "acquire", "note": "We grow"},
    )
    assert response.status_code == 302
    request = territory.requests.get()
    client.force_login(StaffFactory().user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dsps:territory-request-decide", kwargs={"pk": request.pk}),
            {"decision": "approve"},
        )
    territory.refresh_from_db()
    assert territory.dsp == owner.membership.dsp
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([owner.email], f"Your territory request for {territory.code} was approved")
    ]
    assert AuditEvent.objects.filter(verb="territory_request.approved").count() == 1


def test_the_owner_home_shows_the_onboarding_checklist(client, db):
    application = DspApplicationFactory(dsp=DspFactory(status="active"), approved=True)
    MembershipFactory(user=application.applicant, dsp=application.dsp)
    client.force_login(application.applicant)
    response = client.get("/")
    panel = next(p for p in response.context["panels"] if p["name"] == "onboarding")
    assert {i["key"]: i["done"] for i in panel["items"]}["documents_verified"] is True
    assert b'id="onboarding-progress"' in response.content


@pytest.mark.parametrize("with_history", [False, True])
def test_market_assessment_counts_packages_and_stops_inside_the_polygon(
    client, db, settings, with_history
):
    settings.PROGRAM_STOPS_PER_ROUTE = 2
    settings.PROGRAM_DEFAULT_RATES = {"route": "200.00", "package": "0.50"}
    territory = TerritoryFactory(dsp=None, boundary=square())  # lon -96.84..-96.80
    if with_history:
        manifest = Manifest.objects.create(
            station=territory.station, service_date=timezone.localdate()
        )
        inside = [("1 Elm St", "32.800000", "-96.830000")] * 2 + [
            ("2 Elm St", "32.810000", "-96.820000"),
            ("3 Elm St", "32.815000", "-96.810000"),
        ]
        outside = [("9 Far Rd", "32.900000", "-96.700000")]
        for n, (address, lat, lon) in enumerate(inside + outside):
            Package.objects.create(
                manifest=manifest,
                tracking_id=f"TBA{n}",
                recipient_name="R",
                address=address,
                latitude=lat,
                longitude=lon,
            )
    owner = MembershipFactory(dsp=DspFactory(station=territory.station)).user
    client.force_login(owner)
    response = client.get(reverse("billing:market", kwargs={"pk": territory.pk}))
    assert response.status_code == 200
    a = response.context["a"]
    if not with_history:
        assert a.has_history is False
        assert b"No history yet" in response.content
        return
    assert [(d.packages, d.stops) for d in a.days] == [(4, 3)]
    assert (a.routes_per_day, a.vans_needed, a.drivers_needed) == (2, 2, 3)
    # 2 routes × 7 × 200 + 4 packages × 7 × 0.50
    assert str(a.weekly_revenue) == "2814.00"


def test_dispatchers_are_not_offered_the_owners_market_assessment(client, db):
    territory = TerritoryFactory()
    for role, offered in ((Role.OWNER, True), (Role.DISPATCHER, False)):
        member = MembershipFactory(dsp=territory.dsp, role=role)
        client.force_login(member.user)
        page = client.get(f"/dsps/territories/{territory.pk}/")
        assert page.status_code == 200
        assert (b"/billing/market/" in page.content) is offered


def test_staff_verify_waived_documents_later_from_the_dsps_page(client, db):
    staff = StaffFactory().user
    application = DspApplicationFactory()
    application_approve(application=application, by=staff, documents_waiver="Seen at station.")
    dsp = application.dsp
    client.force_login(staff)
    page = client.get(f"/dsps/{dsp.pk}/").content.decode()
    assert "Not verified yet" in page and 'id="documents-verify-form"' in page
    page = client.post(f"/dsps/{dsp.pk}/documents/verify/", follow=True).content.decode()
    assert f"{dsp.name}&#x27;s documents are verified." in page
    assert {i["key"]: i["done"] for i in checklist_for(dsp)}["documents_verified"] is True
    owner = Membership.objects.get(dsp=dsp, role=Role.OWNER).user
    client.force_login(owner)
    assert 'id="documents-verify-form"' not in client.get(f"/dsps/{dsp.pk}/").content.decode()
    assert client.post(f"/dsps/{dsp.pk}/documents/verify/").status_code == 403


def test_each_open_checklist_item_on_the_owners_home_links_to_the_page_that_completes_it(
    client, db
):
    # given: a DSP just approved, with every item still to do
    application = DspApplicationFactory()
    application_approve(
        application=application, by=StaffFactory().user, documents_waiver="Seen at station."
    )
    owner = application.applicant
    client.force_login(owner)
    # when
    home = client.get("/").content.decode()
    # then: every open item is a link, and each link opens for the owner
    open_items = [i for i in checklist_for(application.dsp) if not i["done"]]
    assert open_items and all(i["url"] for i in open_items)
    for item in open_items:
        assert f'<a href="{item["url"]}">{item["label"]}</a>' in home, item["key"]
        assert client.get(item["url"]).status_code == 200, item["url"]
