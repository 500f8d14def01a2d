"""Reads of DSPs, stations and memberships, already scoped to the caller."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Dsp, Membership, Role, Station
from .tenancy import scope_to_user


def dsp_list(*, user, status: str | None = None) -> QuerySet[Dsp]:
    """DSPs the user may see (staff: all; members: their own), with their station."""
    qs = scope_to_user(Dsp.objects.all(), user).select_related("station")
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True))
    ).order_by("name")


def station_list(*, user) -> QuerySet[Station]:
    """Stations are reference data: every signed-in user may read them."""
    return scope_to_user(Station.objects.all(), user).order_by("code")


def network_overview(*, user) -> dict:
    """Counts for the program staff home page."""
    dsps = scope_to_user(Dsp.objects.all(), user)
    by_status = dict(dsps.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "stations": station_list(user=user).annotate(dsp_count=Count("dsps")),
        "dsp_counts": [(label, by_status.get(value, 0)) for value, label in Dsp.Status.choices],
        "staff_count": Membership.objects.filter(role=Role.PROGRAM_STAFF, is_active=True).count(),
    }


def member_list(*, user, dsp: Dsp) -> QuerySet[Membership]:
    return (
        scope_to_user(Membership.objects.filter(dsp=dsp), user)
        .select_related("user")
        .order_by("role", "user__email")
    )
