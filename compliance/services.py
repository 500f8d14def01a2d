"""Every write of compliance: actions against a DSP, the DSP's answers, and offboarding."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Statement, StatementLine
from billing.services import pending_adjustment_add, statements_generate_through
from drivers.models import Driver
from drivers.services import driver_update
from dsps.models import Dsp, Membership, Role, Territory, User
from dsps.selectors import dsp_is_suspended
from dsps.services import (
    audit_record,
    dsp_route_suspension_set,
    dsp_terminate,
    membership_deactivate,
    territory_release,
)
from dsps.services.notify import notify
from dsps.tenancy import dsp_of, role_of
from fleet.models import Lease
from fleet.services import (
    lease_end_for_offboarding,
    lease_transfer,
    lease_transfers_hand_over_due,
)
from nextmile.calendar import week_start_of
from nextmile.money import cents
from nextmile.uploads import safe_upload_name, validate_upload

from .models import ActionResponse, ComplianceAction, Offboarding
from .selectors import (
    OffboardingStepPreview,
    TerminationPreview,
    evidence_options,
    offboarding_final_week,
    offboarding_step_preview,
    termination_preview,
)

Kind = ComplianceAction.Kind
CREATABLE = (Kind.WARNING, Kind.CORRECTIVE_PLAN, Kind.PENALTY, Kind.SUSPENSION, Kind.TERMINATION)


def _require_staff(by) -> None:
    if role_of(by) != Role.PROGRAM_STAFF:
        raise PermissionDenied("Only program staff take compliance actions.")


def _owner_emails(dsp: Dsp) -> list[str]:
    emails = list(
        Membership.objects.filter(dsp=dsp, role=Role.OWNER, is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    if dsp.contact_email and dsp.contact_email not in emails:
        emails.append(dsp.contact_email)
    return emails


def _notify_owners(dsp: Dsp, subject: str, body: str) -> None:
    for email in _owner_emails(dsp):
        notify(to=email, subject=subject, body=body)


def _clean_evidence(dsp: Dsp, evidence: dict | None) -> dict:
    """Keep only ids of the DSP's own incidents, scorecards and inspections."""
    evidence = evidence or {}
    options = evidence_options(dsp=dsp)
    cleaned: dict[str, list[int]] = {}
    for key, rows in options.items():
        allowed = {row.pk for row in rows}
        try:
            chosen = sorted({int(x) for x in evidence.get(key) or []})
        except (TypeError, ValueError):
            raise ValidationError({"evidence": f"Pick {key} from the list."}) from None
        foreign = ", ".join(str(x) for x in chosen if x not in allowed)
        if foreign:
            raise ValidationError({"evidence": f"Not among {dsp.name}'s recent {key}: {foreign}."})
        if chosen:
            cleaned[key] = chosen
    return cleaned


def _money(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return cents(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": "Give the amount as a number of dollars."}) from None


def _closed_final_statement(dsp: Dsp) -> Statement | None:
    offboarding = Offboarding.objects.filter(dsp=dsp).select_related("final_statement").first()
    if offboarding and offboarding.final_statement and not offboarding.final_statement.is_draft:
        return offboarding.final_statement
    return None


@transaction.atomic
def action_create(
    *,
    dsp: Dsp,
    kind: str,
    reason: str,
    by: User,
    evidence: dict | None = None,
    due_on: date | None = None,
    amount=None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    effective_on: date | None = None,
    confirm: str | None = None,
) -> ComplianceAction:
    """Record a program action against `dsp` with its reason and evidence, apply its effect
    (penalty charge, suspension, termination), audit it and tell the owner. `confirm` is the
    token of the termination preview the user confirmed: when given, a DSP whose standing,
    people, vans or routes changed since is refused."""
    _require_staff(by)
    dsp = Dsp.objects.select_for_update().select_related("station").get(pk=dsp.pk)
    today = dsp.station.today()
    reason = (reason or "").strip()
    leaving = Offboarding.objects.filter(dsp=dsp).first()
    _action_allowed(dsp, kind, reason, leaving)
    action = ComplianceAction(
        dsp=dsp,
        kind=kind,
        reason=reason,
        evidence=_clean_evidence(dsp, evidence),
        created_by=by,
    )
    if kind == Kind.CORRECTIVE_PLAN:
        action.due_on = _plan_due_checked(due_on, today)
    elif kind == Kind.PENALTY:
        action.amount = _penalty_checked(dsp, amount)
    elif kind == Kind.SUSPENSION:
        action.starts_on, action.ends_on = _suspension_checked(dsp, starts_on, ends_on, today)
    elif kind == Kind.TERMINATION:
        _termination_checked(effective_on, today)
        if (
            confirm is not None
            and confirm != termination_preview(dsp=dsp, effective_on=effective_on).token
        ):
            raise ValidationError({"confirm": STALE_TERMINATION.format(name=dsp.name)})
    action.full_clean()
    try:
        with transaction.atomic():
            action.save()
    except IntegrityError:
        raise ValidationError({"kind": f"{dsp.name} is already terminated."}) from None
    _action_effect_apply(action, by=by, leaving=leaving, today=today, effective_on=effective_on)
    audit_record(
        actor=by,
        verb=f"compliance.{kind}",
        target=action,
        dsp=dsp,
        reason=reason,
        data=_action_data(action, effective_on),
    )
    _notify_owners(
        dsp,
        f"{action.get_kind_display()} from the delivery program",
        _action_body(action, effective_on),
    )
    return action


STALE_TERMINATION = (
    "{name} changed after the confirmation was shown (its standing, drivers, accounts, vans or "
    "routes); nothing was done. Read the new figures and confirm again."
)


def action_termination_preview(
    *, dsp: Dsp, by: User, reason: str, effective_on: date | None
) -> TerminationPreview:
    """Check a termination as `action_create` would, without writing: what the confirmation
    step shows, with the token `action_create(confirm=...)` checks."""
    _require_staff(by)
    dsp = Dsp.objects.select_related("station").get(pk=dsp.pk)
    _action_allowed(
        dsp, Kind.TERMINATION, (reason or "").strip(), Offboarding.objects.filter(dsp=dsp).first()
    )
    _termination_checked(effective_on, dsp.station.today())
    return termination_preview(dsp=dsp, effective_on=effective_on)


def _action_allowed(dsp: Dsp, kind: str, reason: str, leaving: Offboarding | None) -> None:
    """The kind exists, a reason is given, and the DSP's standing allows this action."""
    if kind not in CREATABLE:
        raise ValidationError({"kind": "Choose warning, plan, penalty, suspension or termination."})
    if not reason:
        raise ValidationError({"reason": "Say why: the DSP reads this reason."})
    if dsp.status in (Dsp.Status.APPLYING, Dsp.Status.REJECTED):
        raise ValidationError(
            {"dsp": f"{dsp.name} is not a working DSP ({dsp.get_status_display()})."}
        )
    if kind == Kind.TERMINATION and (
        dsp.status == Dsp.Status.TERMINATED
        or ComplianceAction.objects.filter(dsp=dsp, kind=Kind.TERMINATION).exists()
    ):
        raise ValidationError({"kind": f"{dsp.name} is already terminated."})
    if kind == Kind.TERMINATION and leaving is not None:
        raise ValidationError(
            {"kind": f"{dsp.name} is already leaving the program ({leaving.get_kind_display()})."}
        )
    if kind in (Kind.SUSPENSION, Kind.CORRECTIVE_PLAN) and dsp.status == Dsp.Status.TERMINATED:
        raise ValidationError({"kind": f"{dsp.name} is terminated; it takes no new routes anyway."})


def _plan_due_checked(due_on: date | None, today: date) -> date:
    if due_on is None:
        raise ValidationError({"due_on": "Give the date the plan is due."})
    if due_on < today:
        raise ValidationError({"due_on": "The plan cannot be due in the past."})
    return due_on


def _penalty_checked(dsp: Dsp, amount) -> Decimal:
    amount = _money(amount)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Give a penalty of more than $0.00."})
    closed = _closed_final_statement(dsp)
    if closed is not None:
        raise ValidationError(
            {
                "amount": f"{dsp.name} is terminated and its final statement (week of "
                f"{closed.week_start}) is closed; no penalty can be charged any more."
            }
        )
    return amount


def _suspension_checked(
    dsp: Dsp, starts_on: date | None, ends_on: date | None, today: date
) -> tuple[date, date | None]:
    if starts_on is None:
        raise ValidationError({"starts_on": "Give the first day of the suspension."})
    if starts_on < today:
        raise ValidationError({"starts_on": "A suspension cannot start in the past."})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(
            {
                "ends_on": f"The suspension ends ({ends_on}) before it starts ({starts_on}); "
                "give an end on or after the start, or none."
            }
        )
    if dsp.routes_suspended_from is not None and (
        dsp_is_suspended(dsp, on=today) or dsp.routes_suspended_from > today
    ):
        raise ValidationError(
            {"starts_on": f"{dsp.name} is already suspended; lift that suspension first."}
        )
    return starts_on, ends_on


def _termination_checked(effective_on: date | None, today: date) -> None:
    if effective_on is None:
        raise ValidationError({"effective_on": "Give the date the termination takes effect."})
    if effective_on < today:
        raise ValidationError({"effective_on": "A termination cannot take effect in the past."})


def _action_effect_apply(
    action: ComplianceAction,
    *,
    by: User,
    leaving: Offboarding | None,
    today: date,
    effective_on: date | None,
) -> None:
    """The action's effect: a penalty's charge on a statement, a suspension of new routes, or
    the termination and its offboarding."""
    dsp = action.dsp
    if action.kind == Kind.PENALTY:
        action.charge = pending_adjustment_add(
            dsp=dsp,
            kind=StatementLine.Kind.FINE,
            description=f"Compliance penalty #{action.pk}: {action.reason}"[:200],
            amount=action.amount,
            by=by,
            source=f"compliance.action:{action.pk}",
            applies_from=_penalty_week(leaving, today),
        )
        action.save(update_fields=["charge", "updated_at"])
    elif action.kind == Kind.SUSPENSION:
        dsp_route_suspension_set(dsp=dsp, starts_on=action.starts_on, ends_on=action.ends_on)
    elif action.kind == Kind.TERMINATION:
        dsp_terminate(dsp=dsp)
        offboarding_start(
            dsp=dsp,
            kind=Offboarding.Kind.TERMINATION,
            effective_on=effective_on,
            by=by,
            reason=action.reason,
            action=action,
        )


def _final_week(offboarding: Offboarding) -> date:
    """The start of the exit's last working week: the week its final statement covers."""
    return offboarding_final_week(offboarding)


def _penalty_week(leaving: Offboarding | None, today: date) -> date:
    """The day a penalty counts from: today, or for a leaving DSP no later than its final
    week, so the charge still lands on the final statement."""
    if leaving is None:
        return today
    return min(today, _final_week(leaving))


def _action_data(action: ComplianceAction, effective_on: date | None = None) -> dict:
    data: dict = {"evidence": action.evidence}
    for name in ("due_on", "starts_on", "ends_on"):
        value = getattr(action, name)
        if value:
            data[name] = value.isoformat()
    if action.amount is not None:
        data["amount"] = str(action.amount)
    if effective_on:
        data["effective_on"] = effective_on.isoformat()
    return data


def _action_body(action: ComplianceAction, effective_on: date | None = None) -> str:
    lines = [f"{action.get_kind_display()} for {action.dsp.name}.", "", action.reason, ""]
    if action.due_on:
        lines.append(f"Your corrective-action plan is due on {action.due_on}; acknowledge it.")
    if action.amount is not None:
        when = "your next statement"
        if action.charge is not None and action.charge.applies_from:
            week = week_start_of(action.charge.applies_from)
            if week < action.charge.applies_from:
                week += timedelta(days=7)
            when = f"your statement for the week starting {week}"
        lines.append(f"A penalty of ${action.amount} is deducted on {when}.")
    if action.starts_on:
        until = f" until {action.ends_on}" if action.ends_on else " until it is lifted"
        lines.append(f"No new routes from {action.starts_on}{until}.")
    if effective_on:
        lines.append(f"The termination takes effect on {effective_on}.")
    lines.append("You may answer this action, with documents, on the program's site.")
    return "\n".join(lines)


@transaction.atomic
def action_lift(*, action: ComplianceAction, by: User, reason: str) -> ComplianceAction:
    """Lift a suspension: planning may use the DSP again. Recorded as an action of its own."""
    _require_staff(by)
    action = ComplianceAction.objects.select_for_update().select_related("dsp").get(pk=action.pk)
    reason = (reason or "").strip()
    if action.kind != Kind.SUSPENSION:
        raise ValidationError({"action": "Only a suspension can be lifted."})
    if action.lifted_by.exists():
        raise ValidationError({"action": "This suspension was already lifted."})
    if not reason:
        raise ValidationError({"reason": "Say why the suspension is lifted."})
    dsp = Dsp.objects.select_for_update().get(pk=action.dsp_id)
    lifted = ComplianceAction(
        dsp=dsp, kind=Kind.SUSPENSION_LIFTED, reason=reason, lifts=action, created_by=by
    )
    lifted.full_clean()
    lifted.save()
    if dsp.status != Dsp.Status.TERMINATED and not hasattr(dsp, "offboarding"):
        dsp_route_suspension_set(dsp=dsp, starts_on=None)
    audit_record(
        actor=by,
        verb="compliance.suspension_lifted",
        target=lifted,
        dsp=dsp,
        reason=reason,
        data={"lifts": action.pk},
    )
    _notify_owners(
        dsp,
        "Suspension lifted by the delivery program",
        f"{dsp.name} may receive new routes again.\n\n{reason}",
    )
    return lifted


@transaction.atomic
def action_acknowledge(*, action: ComplianceAction, by: User) -> ComplianceAction:
    """The DSP owner acknowledges a corrective-action plan (staff may record it for them, e.g.
    when the owner acknowledged by phone). Acknowledging again changes nothing."""
    action = ComplianceAction.objects.select_for_update().select_related("dsp").get(pk=action.pk)
    role = role_of(by)
    if role != Role.PROGRAM_STAFF and (role != Role.OWNER or dsp_of(by) != action.dsp):
        raise PermissionDenied("Only the DSP's owner acknowledges its plans.")
    if action.kind != Kind.CORRECTIVE_PLAN:
        raise ValidationError({"action": "Only a corrective-action plan is acknowledged."})
    if action.acknowledged_at is not None:
        return action
    action.acknowledged_at = timezone.now()
    action.acknowledged_by = by
    action.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    audit_record(
        actor=by, verb="compliance.plan_acknowledged", target=action, dsp=action.dsp, data={}
    )
    return action


@transaction.atomic
def action_respond(
    *, action: ComplianceAction, by: User, message: str, document=None
) -> ActionResponse:
    """The DSP's owner answers an action with a message and optionally a document; program
    staff reply in the same thread."""
    role = role_of(by)
    if role != Role.PROGRAM_STAFF and (role != Role.OWNER or dsp_of(by) != action.dsp):
        raise PermissionDenied("Only the DSP's owner answers its compliance actions.")
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": "Write your answer."})
    response = ActionResponse(action=action, author=by, message=message)
    if document:
        kind = validate_upload(document, field="document")
        response.document_name = (document.name or "document")[-120:]
        document.name = safe_upload_name(document.name, kind)
        response.document = document
    response.full_clean()
    response.save()
    if role == Role.PROGRAM_STAFF:
        _notify_owners(
            action.dsp,
            f"The program answered about: {action.get_kind_display()}",
            message,
        )
    audit_record(
        actor=by,
        verb="compliance.responded",
        target=action,
        dsp=action.dsp,
        reason=message[:500],
        data={"response": response.pk, "document": bool(response.document)},
    )
    return response


# --- Offboarding ----------------------------------------------------------------------------


@transaction.atomic
def offboarding_start(
    *,
    dsp: Dsp,
    kind: str,
    effective_on: date | None,
    by: User,
    reason: str = "",
    action: ComplianceAction | None = None,
) -> Offboarding:
    """Open the DSP's exit: from `effective_on` it gets no new routes; the steps follow."""
    role = role_of(by)
    if kind == Offboarding.Kind.TERMINATION:
        _require_staff(by)
    elif kind == Offboarding.Kind.VOLUNTARY:
        if role != Role.PROGRAM_STAFF and (role != Role.OWNER or dsp_of(by) != dsp):
            raise PermissionDenied("Only the DSP's owner or program staff start an exit.")
    else:
        raise ValidationError({"kind": "Choose termination or voluntary exit."})
    dsp = Dsp.objects.select_for_update().select_related("station").get(pk=dsp.pk)
    existing = Offboarding.objects.filter(dsp=dsp).first()
    if existing is not None:
        raise ValidationError(
            {"dsp": f"{dsp.name} is already leaving the program ({existing.get_kind_display()})."}
        )
    if kind == Offboarding.Kind.VOLUNTARY and dsp.status != Dsp.Status.ACTIVE:
        raise ValidationError({"dsp": f"{dsp.name} is {dsp.get_status_display().lower()}."})
    if effective_on is None:
        raise ValidationError({"effective_on": "Give the date the exit takes effect."})
    if effective_on < dsp.station.today():
        raise ValidationError({"effective_on": "The exit cannot take effect in the past."})
    offboarding = Offboarding(
        dsp=dsp,
        kind=kind,
        reason=(reason or "").strip(),
        effective_on=effective_on,
        action=action,
        started_by=by,
    )
    offboarding.full_clean()
    offboarding.save()
    # Future planning stops from the effective date (the suspension has no end).
    dsp_route_suspension_set(dsp=dsp, starts_on=effective_on)
    audit_record(
        actor=by,
        verb=f"offboarding.{kind}",
        target=offboarding,
        dsp=dsp,
        reason=offboarding.reason,
        data={"effective_on": effective_on.isoformat()},
    )
    if action is None:
        _notify_owners(
            dsp,
            f"{offboarding.get_kind_display()} of {dsp.name} started",
            f"{dsp.name} leaves the program on {effective_on}: no new routes from that day, "
            "and the dispatchers' and drivers' accounts close then. Your records and "
            "statements stay readable.",
        )
    return offboarding


STEPS = ("territories", "leases", "settle", "accounts")


@transaction.atomic
def offboarding_step(
    *,
    offboarding: Offboarding,
    step: str,
    by: User,
    transfers: dict | None = None,
    confirm: str | None = None,
) -> Offboarding:
    """Run one step of the guided flow (staff). Each step runs once; asking again is refused.
    For the leases step, `transfers` maps a lease id to the DSP that takes its van over; every
    other lease ends on the exit date. `confirm` is the token of the step's preview the user
    confirmed (`offboarding_step_check`): when given, a step whose figures changed since is
    refused with nothing done."""
    _require_staff(by)
    offboarding = (
        Offboarding.objects.select_for_update()
        .select_related("dsp__station")
        .get(pk=offboarding.pk)
    )
    _step_allowed(offboarding, step)
    dsp = offboarding.dsp
    if confirm is not None and confirm != _step_preview(offboarding, step, transfers).token:
        raise ValidationError({"confirm": STALE_STEP})
    reason = f"{offboarding.get_kind_display()} of {dsp.name}"
    if step == "territories":
        released = []
        for territory in Territory.objects.filter(dsp=dsp).order_by("code"):
            territory_release(territory=territory, by=by, reason=reason)
            released.append(territory.code)
        offboarding.territories_released_at = timezone.now()
        offboarding.summary["territories"] = released
    elif step == "leases":
        ended, moved = [], []
        leases = list(
            Lease.objects.filter(dsp=dsp, returned_on__isnull=True)
            .select_related("vehicle")
            .order_by("id")
        )
        targets = _transfer_targets(dsp, leases, transfers or {})
        for lease in leases:
            if lease.pk in targets:
                new = _transfer(lease, targets[lease.pk], offboarding.effective_on, by, reason)
                moved.append(
                    {
                        "lease": lease.pk,
                        "to_dsp": new.dsp_id,
                        "new_lease": new.pk,
                        "plate": lease.vehicle.plate,
                        "to_name": new.dsp.name,
                    }
                )
                continue
            lease = lease_end_for_offboarding(
                lease=lease, on=offboarding.effective_on, by=by, reason=reason
            )
            ended.append({"lease": lease.pk, "ends_on": lease.ends_on.isoformat()})
        offboarding.leases_ended_at = timezone.now()
        offboarding.summary["leases"] = ended
        offboarding.summary["transfers"] = moved
    elif step == "settle":
        filled, statement = statements_generate_through(
            dsp=dsp, final_week=_final_week(offboarding)
        )
        offboarding.summary["statements_filled"] = [w.isoformat() for w in filled]
        offboarding.final_statement = statement
        offboarding.settled_at = timezone.now()
        offboarding.summary["final_statement"] = {
            "id": statement.pk,
            "week_start": statement.week_start.isoformat(),
            "net": str(statement.net),
        }
    else:
        _accounts_close(offboarding, by=by)
    _finish_if_done(offboarding)
    offboarding.save()
    audit_record(actor=by, verb=f"offboarding.{step}", target=offboarding, dsp=dsp, data={})
    return offboarding


STALE_STEP = (
    "The figures changed after the confirmation was shown (territories, leases, statements or "
    "accounts); nothing was done. Read the new figures and confirm again."
)


def offboarding_step_check(
    *, offboarding: Offboarding, step: str, by: User, transfers: dict | None = None
) -> OffboardingStepPreview:
    """Check a step as `offboarding_step` would, without writing: what its confirmation shows,
    with the token `offboarding_step(confirm=...)` checks."""
    _require_staff(by)
    offboarding = Offboarding.objects.select_related("dsp__station").get(pk=offboarding.pk)
    _step_allowed(offboarding, step)
    return _step_preview(offboarding, step, transfers)


def _step_allowed(offboarding: Offboarding, step: str) -> None:
    """The step exists, has not run yet, and (accounts) its day has come."""
    if step not in STEPS:
        raise ValidationError({"step": "Choose territories, leases, settle or accounts."})
    done = {s["key"]: s["done_at"] for s in offboarding.steps}
    if done[step]:
        raise ValidationError({"step": f"This step was done on {done[step]:%Y-%m-%d %H:%M}."})
    if step == "accounts" and offboarding.dsp.station.today() < offboarding.effective_on:
        raise ValidationError(
            {
                "step": f"Accounts close on {offboarding.effective_on}; they close by "
                "themselves that day."
            }
        )


def _step_preview(offboarding: Offboarding, step: str, transfers: dict | None):
    targets = {}
    if step == "leases":
        leases = list(Lease.objects.filter(dsp=offboarding.dsp, returned_on__isnull=True))
        targets = _transfer_targets(offboarding.dsp, leases, transfers or {})
    return offboarding_step_preview(offboarding=offboarding, step=step, transfers=targets)


def _transfer_targets(dsp: Dsp, leases: list, transfers: dict) -> dict[int, Dsp]:
    """Check the chosen transfers: open leases of the leaving DSP to DSPs of its station."""
    by_id = {lease.pk: lease for lease in leases}
    targets: dict[int, Dsp] = {}
    for lease_id, dsp_id in transfers.items():
        try:
            lease_id, dsp_id = int(lease_id), int(dsp_id)
        except (TypeError, ValueError):
            raise ValidationError({"transfers": "Pick a lease and a receiving DSP."}) from None
        if lease_id not in by_id:
            raise ValidationError(
                {"transfers": f"Lease {lease_id} is not an open lease of {dsp.name}."}
            )
        receiver = Dsp.objects.filter(pk=dsp_id, station_id=dsp.station_id).first()
        if receiver is None:
            raise ValidationError(
                {"transfers": f"Choose a DSP of {dsp.station.code} to take the van over."}
            )
        targets[lease_id] = receiver
    return targets


def _transfer(lease: Lease, to_dsp: Dsp, on: date, by: User, reason: str) -> Lease:
    try:
        return lease_transfer(lease=lease, to_dsp=to_dsp, on=on, by=by, reason=reason)
    except ValidationError as e:
        message = " ".join(m for msgs in e.message_dict.values() for m in msgs)
        raise ValidationError({"transfers": f"Van {lease.vehicle.plate}: {message}"}) from None


def _finish_if_done(offboarding: Offboarding) -> None:
    if all(s["done_at"] for s in offboarding.steps):
        offboarding.status = Offboarding.Status.COMPLETED
        offboarding.completed_at = timezone.now()


def _accounts_close(offboarding: Offboarding, *, by: User | None) -> None:
    """Close the dispatchers' and drivers' accounts; hand back vans whose lease ended today."""
    dsp = offboarding.dsp
    reason = f"{offboarding.get_kind_display()} of {dsp.name}"
    closed = []
    for driver in Driver.objects.filter(dsp=dsp).exclude(status=Driver.Status.TERMINATED):
        driver_update(driver=driver, status=Driver.Status.TERMINATED)
    members = (
        Membership.objects.filter(dsp=dsp, role__in=(Role.DISPATCHER, Role.DRIVER))
        .select_related("user", "dsp")
        .order_by("id")
    )
    for membership in members:
        if membership.is_active or membership.user.is_active:
            membership_deactivate(membership=membership, by=by, reason=reason)
            closed.append(membership.user.email)
    for lease in Lease.objects.filter(
        dsp=dsp,
        returned_on__isnull=True,
        ends_on=offboarding.effective_on,
        transferred_to__isnull=True,
    ):
        lease_end_for_offboarding(lease=lease, on=offboarding.effective_on, by=by, reason=reason)
    lease_transfers_hand_over_due(dsp=dsp, today=max(offboarding.effective_on, dsp.station.today()))
    if dsp.status != Dsp.Status.TERMINATED:
        dsp_terminate(dsp=dsp)
    offboarding.accounts_deactivated_at = timezone.now()
    offboarding.summary["accounts_closed"] = closed


def offboarding_accounts_close_due(*, today: date | None = None) -> int:
    """Close the accounts of every exit whose date has come (station's date). Safe to run
    any number of times: a closed exit is skipped. Returns how many exits were closed."""
    count = 0
    pending = Offboarding.objects.filter(accounts_deactivated_at__isnull=True).order_by("id")
    for offboarding_id in pending.values_list("id", flat=True):
        with transaction.atomic():
            offboarding = (
                Offboarding.objects.select_for_update()
                .select_related("dsp__station")
                .get(pk=offboarding_id)
            )
            if offboarding.accounts_deactivated_at is not None:
                continue
            if (today or offboarding.dsp.station.today()) < offboarding.effective_on:
                continue
            _accounts_close(offboarding, by=None)
            _finish_if_done(offboarding)
            offboarding.save()
            audit_record(
                actor=None,
                verb="offboarding.accounts",
                target=offboarding,
                dsp=offboarding.dsp,
                data={"closed": offboarding.summary.get("accounts_closed", [])},
            )
            count += 1
    return count
