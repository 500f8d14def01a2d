"""Network data: fair-allocation proposals for a station day and peak lease offers."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dsps.models import Dsp, Station, TimeStampedModel
from fleet.models import VehicleOffer


class AllocationProposal(TimeStampedModel):
    """A spread of a station day's overflow and uncovered stops over DSPs with spare capacity.

    `moves` is a list of {stop, from, to, address, lat, lon}; `before` / `after` hold each DSP's
    share of volume and of capacity. `fingerprint` digests the day's stops when proposed: a
    proposal whose day has changed since is stale and cannot be applied.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPLIED = "applied", "Applied"

    STAFF_ONLY = True

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    service_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    stops_per_route = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    moves = models.JSONField(default=list, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    unplaced = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Allocation proposal {self.station.code} {self.service_date}"


class PeakLeaseOffer(TimeStampedModel):
    """The program's offer to one DSP: lease `vans` peak vans (and hire `drivers`) for a window."""

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="peak_offers")
    vehicle_offer = models.ForeignKey(VehicleOffer, on_delete=models.PROTECT, related_name="+")
    vans = models.PositiveIntegerField()
    drivers = models.PositiveIntegerField(default=0)
    starts_on = models.DateField()
    ends_on = models.DateField()
    monthly_rate = models.DecimalField(max_digits=8, decimal_places=2)
    total_cost = models.DecimalField(max_digits=10, decimal_places=2)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_on", "dsp__name"]
        constraints = [
            models.UniqueConstraint(fields=["dsp", "starts_on"], name="peak_offer_once_per_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="peak_offer_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dsp.name}: {self.vans} peak vans from {self.starts_on}"
