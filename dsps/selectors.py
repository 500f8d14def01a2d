"""Reads of DSPs, stations and memberships, already scoped to the caller."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from .models import (
    DSP_MANAGER_ROLES,
    ApiKey,
    AuditEvent,
    Dsp,
    DspApplication,
    Membership,
    Role,
    Station,
    Territory,
    TerritoryHolding,
    TerritoryRequest,
)
from .tenancy import dsp_of, role_of, scope_to_user


def dsp_is_suspended(dsp: Dsp, *, on: date) -> bool:
    """True when `dsp` may get no new routes on `on` (a compliance suspension covers it)."""
    start, end = dsp.routes_suspended_from, dsp.routes_suspended_until
    return start is not None and start <= on and (end is None or on <= end)


def dsp_suspension_notice(dsp: Dsp | None, role: str | None = None) -> str:
    """The sentence a DSP's people see while it is terminated or its new routes are suspended
    (empty otherwise); the owner, who received the decision, is pointed to it rather than to
    themselves.

    Reads only the DSP row (already loaded with the membership), so every page may show it.
    """
    if dsp is None:
        return ""
    if dsp.status == Dsp.Status.TERMINATED:
        where = (
            "The decision and the offboarding steps are under Compliance."
            if role == Role.OWNER
            else "Ask your DSP owner for details."
        )
        return (
            f"{dsp.name} has been terminated from the delivery program: it receives no new "
            f"routes, and its records stay readable for history. {where}"
        )
    if dsp.routes_suspended_from is None:
        return ""
    today = dsp.station.today()
    start, end = dsp.routes_suspended_from, dsp.routes_suspended_until
    if end is not None and end < today:
        return ""
    until = f" until {end:%a %d %b %Y}" if end else " until further notice"
    if start > today:
        return (
            f"{dsp.name} is suspended from new routes from {start:%a %d %b %Y}{until}. "
            "Routes already planned are not affected."
        )
    return (
        f"{dsp.name} is suspended from new routes{until}: no new routes are planned or "
        "allocated to it. "
        + (
            "The decision and how to answer it are under Compliance."
            if role == Role.OWNER
            else "Ask your DSP owner for details."
        )
    )


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


# --- Applications, audit, territories ----------------------------------------------------


def application_of_user(*, user) -> DspApplication | None:
    """The application of the user's own DSP (owners), if any."""
    return (
        scope_to_user(DspApplication.objects.all(), user)
        .select_related("dsp", "requested_station", "requested_territory")
        .first()
    )


def application_queue(
    *,
    user,
    status: str | None = None,
    station: int | None = None,
    older_than_days: int | None = None,
) -> QuerySet[DspApplication]:
    """Applications for review, oldest submission first; filters by status, station, age."""
    qs = scope_to_user(DspApplication.objects.all(), user).select_related(
        "dsp", "requested_station", "applicant"
    )
    if status:
        qs = qs.filter(status=status)
    if station:
        qs = qs.filter(requested_station_id=station)
    if older_than_days:
        cutoff = timezone.now() - timedelta(days=older_than_days)
        qs = qs.filter(submitted_at__lte=cutoff)
    return qs.order_by(F("submitted_at").asc(nulls_last=True), "created_at")


def audit_event_list(
    *,
    user,
    verb: str | None = None,
    target_type: str | None = None,
    dsp: int | None = None,
    target=None,
) -> QuerySet[AuditEvent]:
    """The program's decisions, newest first (staff only: the model is STAFF_ONLY);
    `target` narrows to the decisions about one object."""
    qs = scope_to_user(AuditEvent.objects.all(), user).select_related("actor", "dsp")
    if target is not None:
        qs = qs.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    if verb:
        qs = qs.filter(verb__startswith=verb)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if dsp:
        qs = qs.filter(dsp_id=dsp)
    return qs.order_by("-created_at", "-id")


def territory_list(*, user, station: int | None = None) -> QuerySet[Territory]:
    """Territories the user may see: staff all, a DSP its own."""
    qs = scope_to_user(Territory.objects.all(), user).select_related("station", "dsp")
    if station:
        qs = qs.filter(station_id=station)
    return qs.order_by("station__code", "code")


def territory_list_open(*, user) -> QuerySet[Territory]:
    """Unassigned territories on offer: staff see all; a DSP those of its own station.

    Open territories belong to no DSP, so the tenancy rule (which hides rows of other DSPs)
    has nothing to hide here; they are the program's offer to every DSP of the station.
    """
    role = role_of(user)
    qs = Territory.objects.filter(dsp__isnull=True).select_related("station")
    if role == Role.PROGRAM_STAFF:
        return qs.order_by("station__code", "code")
    if role not in DSP_MANAGER_ROLES:
        return qs.none()
    return qs.filter(station_id=dsp_of(user).station_id).order_by("code")


def territory_visible(*, user) -> QuerySet[Territory]:
    """Territories one may open: one's own (tenancy rule) and the open ones on offer."""
    own = territory_list(user=user).values("pk")
    offered = territory_list_open(user=user).values("pk")
    return (
        Territory.objects.filter(Q(pk__in=own) | Q(pk__in=offered))
        .select_related("station", "dsp")
        .order_by("station__code", "code")
    )


def territory_holdings(*, user, territory: Territory) -> QuerySet[TerritoryHolding]:
    """Who held `territory` when, newest first (a DSP sees its own holdings only)."""
    return (
        scope_to_user(TerritoryHolding.objects.filter(territory=territory), user)
        .select_related("dsp", "granted_by", "ended_by")
        .order_by("-starts_at")
    )


def territory_request_list(*, user, status: str | None = None) -> QuerySet[TerritoryRequest]:
    qs = scope_to_user(TerritoryRequest.objects.all(), user).select_related(
        "dsp", "territory", "requested_by", "decided_by"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


# Holder colours on maps; unassigned territories are drawn in the gap colour.
PALETTE = ["#1f6feb", "#2da44e", "#8250df", "#bf8700", "#0e8a98", "#cf222e", "#6e7781"]
GAP_COLOUR = "#ff4d4f"


def territory_map(territories) -> dict:
    """A GeoJSON FeatureCollection for Leaflet: colour by holder, gaps flagged."""
    colours: dict[int, str] = {}
    features = []
    for t in territories:
        if t.dsp_id and t.dsp_id not in colours:
            colours[t.dsp_id] = PALETTE[len(colours) % len(PALETTE)]
        features.append(
            {
                "type": "Feature",
                "geometry": t.boundary,
                "properties": {
                    "id": t.pk,
                    "code": t.code,
                    "name": t.name,
                    "holder": t.dsp.name if t.dsp_id else None,
                    "colour": colours[t.dsp_id] if t.dsp_id else GAP_COLOUR,
                    "gap": t.dsp_id is None,
                },
            }
        )
    legend = {}
    for t in territories:
        if t.dsp_id:
            legend[t.dsp.name] = colours[t.dsp_id]
    return {"type": "FeatureCollection", "features": features, "legend": legend}


def territory_list_open_at(*, station: Station) -> QuerySet[Territory]:
    """Unassigned territories of one station (what an applicant may ask for)."""
    return Territory.objects.filter(station=station, dsp__isnull=True).order_by("code")


def api_key_list(*, user) -> QuerySet[ApiKey]:
    """The API keys the user may manage: their DSP's (staff: all), newest first."""
    return scope_to_user(ApiKey.objects.all(), user).select_related("created_by")
