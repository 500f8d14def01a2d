"""Applying to become a DSP: drafts, uploads, submission and the program's decisions."""

import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dsps.models import AuditEvent, Dsp, DspApplication, Membership, Role, TerritoryHolding
from dsps.onboarding import checklist_for
from dsps.services import (
    application_approve,
    application_reject,
    application_request_changes,
    application_start,
    application_submit,
    application_update,
)
from tests.dsps.factories import (
    DspApplicationFactory,
    DspFactory,
    StaffFactory,
    StationFactory,
    TerritoryFactory,
    UserFactory,
    square,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def pdf(name="doc.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name="scan.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


COMPLETE = {
    "legal_name": "Prairie Parcels LLC",
    "entity_type": "llc",
    "contact_name": "Robin Prairie",
    "contact_email": "robin@prairie.example",
    "contact_phone": "+1 214 555 0199",
    "business_address": "12 Elm St, Dallas, TX 75201",
    "experience_years": 3,
    "experience": "Three years of courier work.",
    "planned_vans": 12,
    "planned_headcount": 30,
}


def test_starting_an_application_makes_an_applying_dsp_owned_by_the_applicant(db):
    # given
    user = UserFactory()
    station = StationFactory()
    # when
    application = application_start(user=user, business_name="Prairie Parcels", station=station)
    # then
    assert application.status == DspApplication.Status.DRAFT
    assert application.dsp.status == Dsp.Status.APPLYING
    assert application.dsp.code == "prairie-parcels"
    assert (user.membership.role, user.membership.dsp) == (Role.OWNER, application.dsp)


def test_a_member_cannot_start_a_second_application(db):
    application = DspApplicationFactory()
    Membership.objects.create(user=application.applicant, dsp=application.dsp, role=Role.OWNER)
    with pytest.raises(ValidationError) as error:
        application_start(
            user=application.applicant, business_name="Again", station=application.dsp.station
        )
    assert "business_name" in error.value.message_dict
    assert Dsp.objects.count() == 1


def test_a_draft_saves_fields_and_documents_under_a_safe_name(db):
    user = UserFactory()
    application = application_start(user=user, business_name="Prairie", station=StationFactory())
    application = application_update(
        application=application,
        by=user,
        fields={"legal_name": "Prairie Parcels LLC"},
        files={
            "insurance_certificate": pdf("../../etc/passwd.pdf"),
            "business_registration": png(),
        },
    )
    application.refresh_from_db()
    assert application.legal_name == "Prairie Parcels LLC"
    assert application.insurance_certificate.name.startswith("applications/insurance/passwd-")
    assert application.insurance_certificate.name.endswith(".pdf")
    assert application.business_registration.name.endswith(".png")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf"), "checked by its content"),
        (SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"0" * 2048), "the limit is"),
    ],
)
def test_a_wrong_type_or_oversize_upload_is_refused_and_nothing_is_saved(
    db, settings, upload, message
):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 1024
    user = UserFactory()
    application = application_start(user=user, business_name="Prairie", station=StationFactory())
    with pytest.raises(ValidationError) as error:
        application_update(
            application=application,
            by=user,
            fields={"legal_name": "Changed"},
            files={"insurance_certificate": upload},
        )
    assert message in error.value.message_dict["insurance_certificate"][0]
    application.refresh_from_db()
    assert (application.legal_name, application.insurance_certificate.name) == ("", "")


def test_submitting_an_incomplete_application_names_every_missing_field(db):
    user = UserFactory()
    application = application_start(user=user, business_name="Prairie", station=StationFactory())
    assert application.contact_name == user.get_full_name()  # taken from the sign-up
    with pytest.raises(ValidationError) as error:
        application_submit(application=application, by=user)
    assert sorted(error.value.message_dict) == sorted(
        [
            "legal_name",
            "entity_type",
            "contact_phone",
            "business_address",
            "experience",
            "planned_vans",
            "planned_headcount",
            "insurance_certificate",
            "business_registration",
        ]
    )
    application.refresh_from_db()
    assert application.status == DspApplication.Status.DRAFT


def test_a_submitted_application_is_locked(db):
    user = UserFactory()
    application = application_start(user=user, business_name="Prairie", station=StationFactory())
    application_update(
        application=application,
        by=user,
        fields=COMPLETE,
        files={"insurance_certificate": pdf(), "business_registration": pdf()},
    )
    application = application_submit(application=application, by=user)
    assert application.status == DspApplication.Status.SUBMITTED
    with pytest.raises(ValidationError) as error:
        application_update(application=application, by=user, fields={"legal_name": "Other"})
    assert "no longer be changed" in error.value.message_dict["status"][0]
    application.refresh_from_db()
    assert application.legal_name == "Prairie Parcels LLC"


def test_request_changes_then_resubmit_then_approve_with_a_territory(
    db, django_capture_on_commit_callbacks
):
    # given
    staff = StaffFactory().user
    application = DspApplicationFactory()
    territory = TerritoryFactory(station=application.dsp.station, dsp=None)
    # when: changes requested
    with django_capture_on_commit_callbacks(execute=True):
        application_request_changes(
            application=application, by=staff, message="Insurance expired; upload the new one."
        )
    application.refresh_from_db()
    assert application.status == DspApplication.Status.CHANGES_REQUESTED
    assert application.reviewer_message == "Insurance expired; upload the new one."
    assert [m.to for m in mail.outbox] == [[application.applicant.email]]
    assert "Insurance expired" in mail.outbox[0].body
    # the applicant amends and resubmits
    application_update(
        application=application,
        by=application.applicant,
        fields={},
        files={"insurance_certificate": pdf("new.pdf")},
    )
    application_submit(application=application, by=application.applicant)
    # staff approve with a territory
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(
            application=application, by=staff, territory=territory, documents_verified=True
        )
    # then
    application.refresh_from_db()
    territory.refresh_from_db()
    assert application.status == DspApplication.Status.APPROVED
    assert application.dsp.status == Dsp.Status.ACTIVE
    assert territory.dsp == application.dsp
    assert TerritoryHolding.objects.get(territory=territory, ends_at=None).dsp == application.dsp
    assert Membership.objects.get(user=application.applicant).role == Role.OWNER
    assert mail.outbox[1].subject == f"{application.dsp.name} is approved"
    assert [e.verb for e in AuditEvent.objects.order_by("id")] == [
        "application.changes_requested",
        "application.resubmitted",
        "application.approved",
        "territory.assigned",
    ]
    checklist = {i["key"]: i["done"] for i in checklist_for(application.dsp)}
    assert checklist["documents_verified"] is True


def test_rejection_needs_a_reason_and_rejects_the_dsp(db, django_capture_on_commit_callbacks):
    staff = StaffFactory().user
    application = DspApplicationFactory()
    with pytest.raises(ValidationError) as error:
        application_reject(application=application, by=staff, reason="  ")
    assert "reason" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=application, by=staff, reason="No insurance history.")
    application.refresh_from_db()
    assert application.status == DspApplication.Status.REJECTED
    assert application.dsp.status == Dsp.Status.REJECTED
    assert mail.outbox[0].subject == "Your DSP application was not approved"
    event = AuditEvent.objects.get()
    assert (event.actor, event.verb, event.reason) == (
        staff,
        "application.rejected",
        "No insurance history.",
    )


@pytest.mark.parametrize("first", ["approve", "reject"])
def test_a_decision_on_a_decided_application_is_refused(db, first):
    staff = StaffFactory().user
    application = DspApplicationFactory()
    if first == "approve":
        application_approve(application=application, by=staff, documents_verified=True)
    else:
        application_reject(application=application, by=staff, reason="No.")
    before = AuditEvent.objects.count()
    application.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        application_request_changes(application=application, by=staff, message="More please")
    assert "a decision cannot be made twice" in error.value.message_dict["decision"][0]
    application.refresh_from_db()
    assert application.status == ("approved" if first == "approve" else "rejected")
    assert AuditEvent.objects.count() == before


def test_approval_with_a_held_territory_is_refused_and_nothing_changes(db):
    staff = StaffFactory().user
    application = DspApplicationFactory()
    holder = DspFactory(station=application.dsp.station)
    territory = TerritoryFactory(station=holder.station, dsp=holder, boundary=square())
    with pytest.raises(ValidationError) as error:
        application_approve(
            application=application, by=staff, territory=territory, documents_verified=True
        )
    assert error.value.message_dict["territory"] == [
        f"Territory {territory.code} is already held by {holder.name}; release it first."
    ]
    application.refresh_from_db()
    assert application.status == DspApplication.Status.SUBMITTED
    assert application.dsp.status == Dsp.Status.APPLYING
    assert AuditEvent.objects.count() == 0


def test_an_active_dsp_is_onboarded_for_dsps_once_its_documents_are_verified(db):
    dsp = DspFactory()
    assert {i["key"]: i["done"] for i in checklist_for(dsp)}["documents_verified"] is False
    DspApplicationFactory(dsp=dsp, approved=True)
    assert {i["key"]: i["done"] for i in checklist_for(dsp)}["documents_verified"] is True


def test_approval_needs_the_documents_checked_or_a_recorded_waiver(db):
    staff = StaffFactory().user
    application = DspApplicationFactory()
    with pytest.raises(ValidationError) as error:
        application_approve(application=application, by=staff, documents_waiver="  ")
    assert (
        "or say why you approve without checking them"
        in (error.value.message_dict["documents_verified"][0])
    )
    application.refresh_from_db()
    assert application.status == DspApplication.Status.SUBMITTED
    application_approve(
        application=application, by=staff, documents_waiver="Originals seen at the station."
    )
    event = AuditEvent.objects.get(verb="application.approved")
    assert event.actor == staff
    assert event.data["documents_waived"] == "Originals seen at the station."
    checklist = {i["key"]: i["done"] for i in checklist_for(application.dsp)}
    assert checklist["documents_verified"] is False  # still to verify, from the DSP's page
