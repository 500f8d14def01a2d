"""The people who drive a DSP's routes."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from dsps.models import Dsp, TimeStampedModel


class Driver(TimeStampedModel):
    """A driver employed by one DSP; `user` is their sign-in once invited."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_LEAVE = "on_leave", "On leave"
        TERMINATED = "terminated", "Terminated"

    TENANT_PATH = "dsp"
    DRIVER_PATH = "user"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="drivers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="driver_profile",
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    phone = models.CharField(max_length=32, blank=True)
    licence_number = models.CharField(max_length=32)
    licence_expires_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    hourly_rate = models.DecimalField(max_digits=6, decimal_places=2, default=21)
    hired_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["dsp", "licence_number"], name="driver_licence_unique_in_dsp"
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0), name="driver_rate_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
