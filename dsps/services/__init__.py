"""Every write to DSPs, stations and memberships."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Dsp, Membership, Role, Station, User
from .audit import audit_record


@transaction.atomic
def user_create(*, email: str, password: str | None, first_name: str = "", last_name: str = ""):
    """Create a sign-in; the e-mail address is the login and is stored lower-case."""
    user = User(email=email.strip().lower(), first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def membership_grant(
    *, user: User, role: str, dsp: Dsp | None = None, by: User | None = None
) -> Membership:
    """Give a user their one role (replacing any previous one); the change is audited."""
    previous = Membership.objects.filter(user=user).values("role", "dsp_id").first()
    membership, _ = Membership.objects.update_or_create(
        user=user, defaults={"role": role, "dsp": dsp, "is_active": True}
    )
    membership.full_clean()
    audit_record(
        actor=by,
        verb="membership.granted",
        target=membership,
        dsp=dsp,
        data={"user": user.email, "role": str(role), "previous": previous},
    )
    return membership


@transaction.atomic
def station_create(**fields) -> Station:
    station = Station(**fields)
    _station_hours_check(station)
    station.full_clean()
    station.save()
    return station


def _station_hours_check(station: Station) -> None:
    if station.opens_at and station.closes_at and station.closes_at <= station.opens_at:
        raise ValidationError({"closes_at": "The station must close after it opens."})


STATION_FIELDS = ("name", "address", "latitude", "longitude", "timezone", "opens_at", "closes_at")


@transaction.atomic
def station_update(*, station: Station, by: User, **fields) -> Station:
    """Change a station's address, position, time zone or hours (validated, audited)."""
    changed = {k: str(v) for k, v in fields.items() if k in STATION_FIELDS}
    for name in changed:
        setattr(station, name, fields[name])
    _station_hours_check(station)
    station.full_clean()
    station.save()
    audit_record(actor=by, verb="station.updated", target=station, data=changed)
    return station


@transaction.atomic
def dsp_activate(*, dsp: Dsp) -> Dsp:
    """Mark a DSP active (approval flow and onboarding checks build on this)."""
    dsp.status = Dsp.Status.ACTIVE
    dsp.activated_at = dsp.activated_at or timezone.now()
    dsp.full_clean()
    dsp.save(update_fields=["status", "activated_at", "updated_at"])
    return dsp


@transaction.atomic
def dsp_route_suspension_set(*, dsp: Dsp, starts_on, ends_on=None) -> Dsp:
    """Suspend the DSP from new routes from `starts_on` (until `ends_on`, or until lifted);
    `starts_on=None` lifts it. Callers audit the decision that led here."""
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": "The suspension must end on or after the day it starts."})
    dsp.routes_suspended_from = starts_on
    dsp.routes_suspended_until = ends_on if starts_on is not None else None
    dsp.full_clean()
    dsp.save(update_fields=["routes_suspended_from", "routes_suspended_until", "updated_at"])
    return dsp


@transaction.atomic
def dsp_terminate(*, dsp: Dsp) -> Dsp:
    """Mark a DSP terminated: it leaves the program; every row it owns stays for history."""
    dsp.status = Dsp.Status.TERMINATED
    dsp.save(update_fields=["status", "updated_at"])
    return dsp


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User | None, reason: str = "") -> None:
    """Close one member's account (no sign-in, no role); the membership row and its history
    stay."""
    Membership.objects.filter(pk=membership.pk).update(is_active=False, updated_at=timezone.now())
    User.objects.filter(pk=membership.user_id).update(is_active=False)
    audit_record(
        actor=by,
        verb="membership.deactivated",
        target=membership,
        dsp=membership.dsp,
        reason=reason,
        data={"user": membership.user.email, "role": membership.role},
    )


from .applications import (  # noqa: E402
    application_approve,
    application_reject,
    application_request_changes,
    application_start,
    application_submit,
    application_update,
    application_verify_documents,
)
from .territories import (  # noqa: E402
    territory_assign,
    territory_create,
    territory_release,
    territory_request_create,
    territory_request_decide,
    territory_update,
)

__all__ = [
    "Role",
    "application_approve",
    "application_reject",
    "application_request_changes",
    "application_start",
    "application_submit",
    "application_update",
    "application_verify_documents",
    "audit_record",
    "dsp_activate",
    "dsp_route_suspension_set",
    "dsp_terminate",
    "membership_deactivate",
    "membership_grant",
    "station_create",
    "station_update",
    "territory_assign",
    "territory_create",
    "territory_release",
    "territory_request_create",
    "territory_request_decide",
    "territory_update",
    "user_create",
]
