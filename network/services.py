"""Network writes: propose and apply a fair spread of a station day, offer peak leases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dsps.models import Role, Station
from dsps.services import audit_record
from dsps.tenancy import role_of
from routes.services import stops_reallocate

from . import fairness, selectors
from .models import AllocationProposal, PeakLeaseOffer

STALE = (
    "The day's stops have changed since this proposal was made (new stops, hand allocations "
    "or planned routes); make a new proposal."
)

STALE_CONFIRMATION = (
    "The day's stops changed after you opened the confirmation; nothing was moved. "
    "Read the proposal again before applying it."
)


def _staff(user) -> None:
    if role_of(user) != Role.PROGRAM_STAFF:
        raise PermissionDenied("Only program staff steer the network.")


@transaction.atomic
def allocation_propose(*, user, station: Station, service_date: date) -> AllocationProposal:
    """Record the fair spread of the day's overflow and uncovered stops (applies nothing)."""
    _staff(user)
    carriers, stops = selectors.allocation_inputs(user=user, station=station, day=service_date)
    if not stops:
        raise ValidationError({"date": f"No stops on {service_date:%Y-%m-%d} at {station.code}."})
    plan = fairness.propose(carriers, stops)
    return AllocationProposal.objects.create(
        station=station,
        service_date=service_date,
        stops_per_route=selectors.stops_per_route(station),
        fingerprint=selectors.day_fingerprint(station=station, day=service_date),
        moves=plan.moves,
        before=plan.before,
        after=plan.after,
        unplaced=plan.unplaced,
        created_by=user,
    )


@transaction.atomic
def allocation_apply(
    *, user, proposal: AllocationProposal, confirm: str | None = None
) -> AllocationProposal:
    """Move the proposal's stops in one go and audit it; a second apply changes nothing and a
    proposal whose day has changed since is refused. `confirm` is the day's fingerprint the
    confirmation page showed: when given, a day changed since that page is refused too."""
    _staff(user)
    proposal = AllocationProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status == AllocationProposal.Status.APPLIED:
        return proposal
    current = selectors.day_fingerprint(station=proposal.station, day=proposal.service_date)
    if current != proposal.fingerprint:
        raise ValidationError({"proposal": STALE})
    if confirm is not None and confirm != current:
        raise ValidationError({"confirm": STALE_CONFIRMATION})
    moved = stops_reallocate(
        user=user,
        station=proposal.station,
        service_date=proposal.service_date,
        moves=[(m["stop"], m["from"], m["to"]) for m in proposal.moves],
    )
    proposal.status = AllocationProposal.Status.APPLIED
    proposal.applied_by = user
    proposal.applied_at = timezone.now()
    proposal.save(update_fields=["status", "applied_by", "applied_at", "updated_at"])
    audit_record(
        actor=user,
        verb="allocation.apply",
        target=proposal,
        reason=f"Fair spread of {moved} stops on {proposal.service_date:%Y-%m-%d}.",
        data={
            "moved": moved,
            "unplaced": proposal.unplaced,
            "index_before": proposal.before.get("index"),
            "index_after": proposal.after.get("index"),
        },
    )
    return proposal


@transaction.atomic
def peak_offers_send(*, user, station: Station) -> list[PeakLeaseOffer]:
    """Offer each DSP its share of the peak vans; sending again updates the same offers."""
    _staff(user)
    plan = selectors.peak_plan(user=user, station=station)
    if plan.extra_vans == 0 or plan.starts_on is None:
        raise ValidationError({"station": "The forecast needs no extra vans: nothing to offer."})
    if plan.offer is None:
        raise ValidationError({"station": "The lease catalogue has no active van to offer."})
    sent = []
    for row in plan.rows:
        if row.extra_vans == 0:
            continue
        offer, _ = PeakLeaseOffer.objects.update_or_create(
            dsp=row.dsp,
            starts_on=plan.starts_on,
            defaults={
                "vehicle_offer": plan.offer,
                "vans": row.extra_vans,
                "drivers": row.extra_drivers,
                "ends_on": plan.ends_on,
                "monthly_rate": plan.offer.rate_after_discount,
                "total_cost": row.lease_cost or Decimal("0.00"),
                "offered_by": user,
            },
        )
        audit_record(
            actor=user,
            verb="peak.offer",
            target=offer,
            dsp=row.dsp,
            reason=(
                f"{row.extra_vans} peak vans from {plan.starts_on:%Y-%m-%d} "
                f"to {plan.ends_on:%Y-%m-%d}."
            ),
            data={"vans": row.extra_vans, "drivers": row.extra_drivers},
        )
        sent.append(offer)
    return sent
