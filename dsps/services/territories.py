"""Territories: drawing them, who holds them (exclusively), and DSPs' requests to change that."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..geometry import OVERLAP_EPSILON_KM2, farthest_km, overlap_km2, polygon_from_geojson
from ..models import Dsp, Station, Territory, TerritoryHolding, TerritoryRequest, User
from ..signals import territory_changed_send
from .audit import audit_record
from .notify import notify


def _clean_postal_codes(postal_codes) -> list[str]:
    if isinstance(postal_codes, str):
        postal_codes = postal_codes.replace(";", ",").split(",")
    codes = [str(c).strip() for c in postal_codes or [] if str(c).strip()]
    bad = [c for c in codes if not (c.isalnum() and 3 <= len(c) <= 10)]
    if bad:
        raise ValidationError({"postal_codes": f"Not a postal code: {', '.join(bad)}."})
    return sorted(set(codes))


def territory_boundary_check(*, station: Station, boundary, exclude_pk: int | None = None):
    """Raise a ValidationError on `boundary` unless it is a valid polygon near `station` that
    overlaps no other territory of the station. Returns the shapely polygon."""
    polygon = polygon_from_geojson(boundary)
    limit = settings.PROGRAM_TERRITORY_MAX_KM
    distance = farthest_km(polygon, float(station.latitude), float(station.longitude))
    if distance > limit:
        raise ValidationError(
            {
                "boundary": f"The territory reaches {distance:.0f} km from station "
                f"{station.code}; the limit is {limit} km."
            }
        )
    others = Territory.objects.filter(station=station).exclude(pk=exclude_pk)
    for other in others.order_by("code"):
        try:
            other_polygon = polygon_from_geojson(other.boundary)
        except ValidationError:
            continue  # a stored legacy shape that no longer validates cannot be overlapped
        shared = overlap_km2(polygon, other_polygon)
        if shared > OVERLAP_EPSILON_KM2:
            raise ValidationError(
                {
                    "boundary": f"The territory overlaps {other.code} · {other.name} "
                    f"by {shared:.2f} km²; exclusive territories may not overlap."
                }
            )
    return polygon


def _lock_station(station: Station) -> None:
    # Two staff drawing overlapping territories at once: the second waits and sees the first.
    Station.objects.select_for_update().filter(pk=station.pk).first()


@transaction.atomic
def territory_create(
    *, station: Station, code: str, name: str, boundary, postal_codes=(), by: User
) -> Territory:
    """Draw a new, unassigned territory of `station` (validated; overlap-free)."""
    _lock_station(station)
    territory = Territory(
        station=station,
        code=(code or "").strip(),
        name=(name or "").strip(),
        boundary=boundary,
        postal_codes=_clean_postal_codes(postal_codes),
    )
    territory.full_clean(exclude=["boundary"] if not boundary else None)
    territory_boundary_check(station=station, boundary=boundary)
    territory.save()
    audit_record(actor=by, verb="territory.created", target=territory, data={"code": code})
    return territory


@transaction.atomic
def territory_update(
    *, territory: Territory, name: str, boundary, postal_codes=(), by: User
) -> Territory:
    """Redraw or rename a territory (validated against the station's other territories)."""
    _lock_station(territory.station)
    territory.name = (name or "").strip()
    territory.postal_codes = _clean_postal_codes(postal_codes)
    territory.boundary = boundary
    territory_boundary_check(station=territory.station, boundary=boundary, exclude_pk=territory.pk)
    territory.full_clean()
    territory.save()
    territory_changed_send(station_id=territory.station_id)
    audit_record(actor=by, verb="territory.redrawn", target=territory, dsp=territory.dsp, data={})
    return territory


def _held_message(territory: Territory) -> str:
    holder = (
        TerritoryHolding.objects.filter(territory=territory, ends_at__isnull=True)
        .select_related("dsp")
        .first()
    )
    name = holder.dsp.name if holder else "another DSP"
    return f"Territory {territory.code} is already held by {name}; release it first."


@transaction.atomic
def territory_assign(
    *, territory: Territory, dsp: Dsp, by: User | None, reason: str = ""
) -> TerritoryHolding:
    """Give `territory` to `dsp` exclusively. The database refuses a second open holding, so
    of two concurrent assignments exactly one commits; the other gets a ValidationError."""
    if dsp.station_id != territory.station_id:
        raise ValidationError(
            {"territory": f"Territory {territory.code} belongs to another station than {dsp}."}
        )
    if not dsp.is_active:
        raise ValidationError({"dsp": f"{dsp.name} is {dsp.get_status_display().lower()}."})
    if TerritoryHolding.objects.filter(territory=territory, ends_at__isnull=True).exists():
        raise ValidationError({"territory": _held_message(territory)})
    holding = TerritoryHolding(territory=territory, dsp=dsp, granted_by=by, reason=reason)
    holding.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            holding.save()
    except IntegrityError:
        # Another transaction opened a holding between our check and our insert.
        raise ValidationError({"territory": _held_message(territory)}) from None
    Territory.objects.filter(pk=territory.pk).update(dsp=dsp, updated_at=timezone.now())
    territory.dsp = dsp
    territory_changed_send(station_id=territory.station_id)
    audit_record(
        actor=by, verb="territory.assigned", target=territory, dsp=dsp, reason=reason, data={}
    )
    return holding


@transaction.atomic
def territory_release(*, territory: Territory, by: User | None, reason: str = "") -> Territory:
    """End the open holding of `territory`: it becomes unassigned (a coverage gap)."""
    holding = (
        TerritoryHolding.objects.select_for_update()
        .filter(territory=territory, ends_at__isnull=True)
        .select_related("dsp")
        .first()
    )
    if holding is None:
        raise ValidationError({"territory": f"Territory {territory.code} is not held by anyone."})
    holding.ends_at = timezone.now()
    holding.ended_by = by
    holding.save(update_fields=["ends_at", "ended_by", "updated_at"])
    Territory.objects.filter(pk=territory.pk).update(dsp=None, updated_at=timezone.now())
    territory.dsp = None
    territory_changed_send(station_id=territory.station_id)
    audit_record(
        actor=by,
        verb="territory.released",
        target=territory,
        dsp=holding.dsp,
        reason=reason,
        data={"held_since": holding.starts_at.isoformat()},
    )
    return territory


@transaction.atomic
def territory_request_create(
    *, dsp: Dsp, by: User, territory: Territory, kind: str, note: str = ""
) -> TerritoryRequest:
    """An active DSP asks to take on an unassigned territory of its station or to release one."""
    if not dsp.is_active:
        raise ValidationError({"territory": "Only an active DSP can request territories."})
    if kind == TerritoryRequest.Kind.ACQUIRE:
        if territory.station_id != dsp.station_id:
            raise ValidationError({"territory": "That territory belongs to another station."})
        if territory.dsp_id is not None:
            raise ValidationError({"territory": f"Territory {territory.code} is not available."})
    elif kind == TerritoryRequest.Kind.RELEASE:
        if territory.dsp_id != dsp.pk:
            raise ValidationError({"territory": "You can only release a territory you hold."})
    else:
        raise ValidationError({"kind": "Choose whether to take on or release the territory."})
    if TerritoryRequest.objects.filter(
        dsp=dsp, territory=territory, kind=kind, status=TerritoryRequest.Status.PENDING
    ).exists():
        raise ValidationError({"territory": "You already have this request pending."})
    request = TerritoryRequest(
        dsp=dsp, territory=territory, kind=kind, note=(note or "").strip(), requested_by=by
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=by, verb=f"territory_request.{kind}", target=request, dsp=dsp, reason=request.note
    )
    return request


@transaction.atomic
def territory_request_decide(
    *, territory_request: TerritoryRequest, by: User, approve: bool, reason: str = ""
) -> TerritoryRequest:
    """Staff approve (the territory changes hands) or reject (a reason is required)."""
    req = (
        TerritoryRequest.objects.select_for_update()
        .select_related("dsp", "territory", "requested_by")
        .get(pk=territory_request.pk)
    )
    if req.status != TerritoryRequest.Status.PENDING:
        raise ValidationError(
            {"decision": f"This request was already {req.get_status_display().lower()}."}
        )
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": "Give the DSP a reason for the rejection."})
    if approve and req.kind == TerritoryRequest.Kind.ACQUIRE:
        territory_assign(territory=req.territory, dsp=req.dsp, by=by, reason=reason)
    elif approve:
        if req.territory.dsp_id != req.dsp_id:
            raise ValidationError({"territory": "The DSP no longer holds this territory."})
        territory_release(territory=req.territory, by=by, reason=reason)
    req.status = TerritoryRequest.Status.APPROVED if approve else TerritoryRequest.Status.REJECTED
    req.decided_by = by
    req.decided_at = timezone.now()
    req.decision_reason = reason
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    audit_record(
        actor=by,
        verb=f"territory_request.{req.status}",
        target=req,
        dsp=req.dsp,
        reason=reason,
        data={"kind": req.kind, "territory": req.territory.code},
    )
    notify(
        to=req.requested_by.email,
        subject=f"Your territory request for {req.territory.code} was {req.status}",
        body=f"{req} — {req.get_status_display()}.\n\n{reason}".strip(),
    )
    return req
