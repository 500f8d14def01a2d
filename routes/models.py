"""A station's day: the manifest of packages and the routes that deliver them."""

from django.db import models
from django.db.models import Q

from drivers.models import Driver
from dsps.models import Dsp, Station, TimeStampedModel
from fleet.models import Vehicle


class Manifest(TimeStampedModel):
    """The packages a station receives for one service date (program-side data)."""

    STAFF_ONLY = True

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="manifests")
    service_date = models.DateField()
    source = models.CharField(max_length=120, blank=True)
    package_count = models.PositiveIntegerField(default=0)
    total_volume = models.PositiveIntegerField(default=0)
    summarised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-service_date", "station__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "service_date"], name="manifest_one_per_station_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station.code} {self.service_date:%Y-%m-%d}"


class Package(TimeStampedModel):
    """One parcel to deliver; `dsp` is set when its stop is allocated to a territory holder."""

    class Priority(models.TextChoices):
        NORMAL = "normal", "Normal"
        HIGH = "high", "High (must go today)"

    TENANT_PATH = "dsp"

    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="packages")
    dsp = models.ForeignKey(
        Dsp, on_delete=models.PROTECT, null=True, blank=True, related_name="packages"
    )
    tracking_id = models.CharField(max_length=40)
    recipient_name = models.CharField(max_length=120)
    address = models.CharField(max_length=255)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    window_start = models.TimeField(null=True, blank=True)
    window_end = models.TimeField(null=True, blank=True)
    size = models.PositiveIntegerField(default=1, help_text="volume units")
    weight_g = models.PositiveIntegerField(default=1000)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    service_time_s = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["tracking_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["manifest", "tracking_id"], name="package_tracking_unique_in_manifest"
            ),
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_end__gt=models.F("window_start")),
                name="package_window_closes_after_open",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_id


class Route(TimeStampedModel):
    """One van, one driver, one day."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ASSIGNED = "assigned", "Assigned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    TENANT_PATH = "dsp"
    DRIVER_PATH = "driver__user"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="routes")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="routes")
    service_date = models.DateField()
    code = models.CharField(max_length=24)
    driver = models.ForeignKey(
        Driver, on_delete=models.PROTECT, null=True, blank=True, related_name="routes"
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.PROTECT, null=True, blank=True, related_name="routes"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    planned_stops = models.PositiveIntegerField(default=0)
    planned_km = models.DecimalField(max_digits=7, decimal_places=1, default=0)

    class Meta:
        ordering = ["service_date", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["dsp", "service_date", "code"], name="route_code_unique_per_dsp_day"
            ),
            models.UniqueConstraint(
                fields=["driver", "service_date"], name="route_one_per_driver_per_day"
            ),
            models.UniqueConstraint(
                fields=["vehicle", "service_date"], name="route_one_per_vehicle_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.service_date:%Y-%m-%d}"
