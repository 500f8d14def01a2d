"""DSP applications: a prospective owner's draft, submission, and the program's decisions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from nextmile.uploads import safe_upload_name, validate_upload
from nextmile.validators import plain_text_problem

from ..models import Dsp, DspApplication, Membership, Role, Station, Territory, User
from .audit import audit_record
from .notify import notify
from .territories import territory_assign

# Fields the applicant fills in; everything else is the program's.
APPLICANT_FIELDS = (
    "legal_name",
    "entity_type",
    "contact_name",
    "contact_email",
    "contact_phone",
    "business_address",
    "experience_years",
    "experience",
    "requested_station",
    "requested_territory",
    "planned_vans",
    "planned_headcount",
)
DOCUMENT_FIELDS = ("insurance_certificate", "business_registration")
REQUIRED_TO_SUBMIT = {
    "legal_name": "Enter the business's legal name.",
    "entity_type": "Choose the type of business entity.",
    "contact_name": "Enter a contact person.",
    "contact_email": "Enter a contact e-mail address.",
    "contact_phone": "Enter a contact phone number.",
    "business_address": "Enter the business address.",
    "experience": "Describe your delivery or logistics experience.",
    "planned_vans": "Enter how many vans you plan to run.",
    "planned_headcount": "Enter how many people you plan to employ.",
    "insurance_certificate": "Upload the insurance certificate.",
    "business_registration": "Upload the business registration.",
}


def _unique_dsp_code(name: str) -> str:
    base = (slugify(name) or "dsp")[:24]
    code, n = base, 2
    while Dsp.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def application_start(*, user: User, business_name: str, station: Station) -> DspApplication:
    """Open a draft application: the DSP exists from now on (applying) with `user` as owner."""
    business_name = (business_name or "").strip()
    if not business_name:
        raise ValidationError({"business_name": "Enter the name your DSP will trade under."})
    if problem := plain_text_problem(business_name):
        raise ValidationError({"business_name": problem})
    if Membership.objects.filter(user=user).exists():
        raise ValidationError(
            {"business_name": "Your account already belongs to a DSP or the program."}
        )
    dsp = Dsp(
        name=business_name[:120],
        code=_unique_dsp_code(business_name),
        station=station,
        status=Dsp.Status.APPLYING,
        contact_email=user.email,
    )
    dsp.full_clean()
    dsp.save()
    membership = Membership(user=user, dsp=dsp, role=Role.OWNER)
    membership.full_clean()
    membership.save()
    application = DspApplication(
        dsp=dsp,
        applicant=user,
        requested_station=station,
        contact_email=user.email,
        contact_name=user.get_full_name(),
    )
    application.full_clean()
    application.save()
    audit_record(actor=user, verb="application.started", target=application, dsp=dsp)
    return application


def _lock(application: DspApplication) -> DspApplication:
    return (
        DspApplication.objects.select_for_update()
        .select_related("dsp", "applicant", "requested_station")
        .get(pk=application.pk)
    )


@transaction.atomic
def application_update(
    *, application: DspApplication, by: User, fields: dict, files: dict | None = None
) -> DspApplication:
    """Save the applicant's draft (any subset of fields); refused once submitted or decided."""
    application = _lock(application)
    if not application.is_editable:
        raise ValidationError(
            {
                "status": f"The application is {application.get_status_display().lower()}; "
                "it can no longer be changed."
            }
        )
    for name, value in fields.items():
        if name in APPLICANT_FIELDS:
            setattr(application, name, value)
    territory = application.requested_territory
    if territory is not None and territory.station_id != application.requested_station_id:
        raise ValidationError(
            {"requested_territory": "Choose a territory of the requested station."}
        )
    checked = {}
    for name, upload in (files or {}).items():
        if name in DOCUMENT_FIELDS and upload is not None:
            kind = validate_upload(upload, field=name)
            checked[name] = (upload, safe_upload_name(upload.name, kind))
    application.full_clean(exclude=list(DOCUMENT_FIELDS))
    for name, (upload, stored_name) in checked.items():
        getattr(application, name).save(stored_name, upload, save=False)
    application.save()
    return application


@transaction.atomic
def application_submit(*, application: DspApplication, by: User) -> DspApplication:
    """Lock the application for review once every required field and document is there."""
    application = _lock(application)
    if not application.is_editable:
        raise ValidationError(
            {"status": f"The application is already {application.get_status_display().lower()}."}
        )
    missing = {
        name: message
        for name, message in REQUIRED_TO_SUBMIT.items()
        if getattr(application, name) in (None, "")
    }
    if missing:
        raise ValidationError(missing)
    resubmission = application.status == DspApplication.Status.CHANGES_REQUESTED
    application.status = DspApplication.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.full_clean()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=by,
        verb="application.resubmitted" if resubmission else "application.submitted",
        target=application,
        dsp=application.dsp,
    )
    return application


def _decidable(application: DspApplication) -> None:
    status = application.status
    if status in DspApplication.DECIDED:
        when = timezone.localtime(application.decided_at).strftime("%b %d, %Y %H:%M")
        raise ValidationError(
            {
                "decision": f"This application was already {status} on {when}; "
                "a decision cannot be made twice."
            }
        )
    if status != DspApplication.Status.SUBMITTED:
        raise ValidationError(
            {
                "decision": f"The application is {application.get_status_display().lower()}: "
                "only a submitted application can be decided."
            }
        )


def _decided(application: DspApplication, by: User, status: str, message: str) -> None:
    application.status = status
    application.reviewer_message = message
    application.decided_by = by
    if status in DspApplication.DECIDED:
        application.decided_at = timezone.now()


@transaction.atomic
def application_request_changes(
    *, application: DspApplication, by: User, message: str
) -> DspApplication:
    """Send a submitted application back to the applicant with what to change."""
    application = _lock(application)
    _decidable(application)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"reason": "Tell the applicant what to change."})
    _decided(application, by, DspApplication.Status.CHANGES_REQUESTED, message)
    application.save()
    audit_record(
        actor=by,
        verb="application.changes_requested",
        target=application,
        dsp=application.dsp,
        reason=message,
    )
    notify(
        to=application.applicant.email,
        subject="Changes requested on your DSP application",
        body=f"Our reviewer asks for changes before deciding:\n\n{message}\n\n"
        "Sign in to NextMile to amend and resubmit your application.",
    )
    return application


@transaction.atomic
def application_reject(*, application: DspApplication, by: User, reason: str) -> DspApplication:
    """Reject with a reason; the DSP becomes rejected."""
    application = _lock(application)
    _decidable(application)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the applicant a reason for the rejection."})
    _decided(application, by, DspApplication.Status.REJECTED, reason)
    application.save()
    dsp = application.dsp
    dsp.status = Dsp.Status.REJECTED
    dsp.save(update_fields=["status", "updated_at"])
    audit_record(actor=by, verb="application.rejected", target=application, dsp=dsp, reason=reason)
    notify(
        to=application.applicant.email,
        subject="Your DSP application was not approved",
        body=f"We are sorry: your application for {dsp.name} was not approved.\n\nReason: {reason}",
    )
    return application


@transaction.atomic
def application_approve(
    *,
    application: DspApplication,
    by: User,
    territory: Territory | None = None,
    documents_verified: bool = False,
    documents_waiver: str = "",
    message: str = "",
) -> DspApplication:
    """Approve: the DSP becomes active, the applicant its owner, and optionally the holder of
    `territory` (refused, with nothing saved, when another DSP holds it). The documents are
    checked now (`documents_verified`), or their check is waived with a reason the audit log
    keeps with the approver's name; staff verify them later from the DSP's page."""
    application = _lock(application)
    _decidable(application)
    documents_waiver = (documents_waiver or "").strip()
    if not documents_verified and not documents_waiver:
        raise ValidationError(
            {
                "documents_verified": "Check the insurance certificate and business "
                "registration, or say why you approve without checking them."
            }
        )
    dsp = application.dsp
    _decided(application, by, DspApplication.Status.APPROVED, (message or "").strip())
    if documents_verified:
        application.documents_verified_at = timezone.now()
    application.save()
    dsp.status = Dsp.Status.ACTIVE
    dsp.activated_at = dsp.activated_at or timezone.now()
    dsp.legal_name = application.legal_name
    dsp.contact_email = application.contact_email
    dsp.contact_phone = application.contact_phone
    dsp.station = application.requested_station
    dsp.full_clean()
    dsp.save()
    Membership.objects.update_or_create(
        user=application.applicant, defaults={"dsp": dsp, "role": Role.OWNER, "is_active": True}
    )
    audit_record(
        actor=by,
        verb="application.approved",
        target=application,
        dsp=dsp,
        reason=application.reviewer_message,
        data={
            "documents_verified": documents_verified,
            "documents_waived": "" if documents_verified else documents_waiver,
            "territory": territory.code if territory else None,
        },
    )
    if territory is not None:
        territory_assign(territory=territory, dsp=dsp, by=by, reason="Application approved")
    notify(
        to=application.applicant.email,
        subject=f"{dsp.name} is approved",
        body=f"Welcome to the program: {dsp.name} is now an active DSP at "
        f"{dsp.station.name}."
        + (f"\nYour territory: {territory.code} · {territory.name}." if territory else "")
        + "\n\nSign in to NextMile to complete your onboarding checklist.",
    )
    return application


@transaction.atomic
def application_verify_documents(*, application: DspApplication, by: User) -> DspApplication:
    """Staff confirm the uploaded documents are genuine and current (a checklist item)."""
    application = _lock(application)
    if not (application.insurance_certificate and application.business_registration):
        raise ValidationError({"documents_verified": "Both documents must be uploaded first."})
    application.documents_verified_at = timezone.now()
    application.save(update_fields=["documents_verified_at", "updated_at"])
    audit_record(
        actor=by, verb="application.documents_verified", target=application, dsp=application.dsp
    )
    return application
