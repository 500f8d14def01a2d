"""Vans a DSP runs: what they are and whether they may go on the road."""

from django.db import models
from django.db.models import Q

from dsps.models import Dsp, TimeStampedModel


class Vehicle(TimeStampedModel):
    """One van of one DSP."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        GROUNDED = "grounded", "Grounded"
        RETURNED = "returned", "Returned"

    class Kind(models.TextChoices):
        CARGO_VAN = "cargo_van", "Cargo van"
        STEP_VAN = "step_van", "Step van"
        ELECTRIC_VAN = "electric_van", "Electric van"

    TENANT_PATH = "dsp"
    DRIVER_SEES_DSP_ROWS = True  # drivers pick and inspect their DSP's vans

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="vehicles")
    plate = models.CharField(max_length=16)
    vin = models.CharField("VIN", max_length=17)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CARGO_VAN)
    package_capacity = models.PositiveIntegerField(default=300)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["plate"]
        constraints = [
            models.UniqueConstraint(fields=["dsp", "plate"], name="vehicle_plate_unique_in_dsp"),
            models.UniqueConstraint(fields=["vin"], name="vehicle_vin_unique"),
            models.CheckConstraint(condition=~Q(plate=""), name="vehicle_has_plate"),
        ]

    def __str__(self) -> str:
        return self.plate
