"""Vans a DSP runs: the program's lease catalogue, leases, insurance, daily inspections,
grounding, maintenance and repairs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from dsps.models import Dsp, TimeStampedModel
from nextmile.money import CENT


class VehicleKind(models.TextChoices):
    CARGO_VAN = "cargo_van", "Cargo van"
    STEP_VAN = "step_van", "Step van"
    ELECTRIC_VAN = "electric_van", "Electric van"


class VehicleOffer(TimeStampedModel):
    """One van in the program's lease catalogue, with the program's rate and discount."""

    class EnergyKind(models.TextChoices):
        DIESEL = "diesel", "Diesel (litres)"
        GASOLINE = "gasoline", "Gasoline (litres)"
        ELECTRIC = "electric", "Electricity (kWh)"

    SHARED_REFERENCE = True  # every signed-in user may read the catalogue; staff edit it

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=VehicleKind.choices)
    package_capacity = models.PositiveIntegerField()
    cargo_volume_m3 = models.DecimalField("cargo volume (m³)", max_digits=5, decimal_places=2)
    energy_kind = models.CharField(max_length=10, choices=EnergyKind.choices)
    energy_per_km = models.DecimalField(
        "energy use per km",
        max_digits=6,
        decimal_places=3,
        help_text="litres per km for diesel and gasoline, kWh per km for electric vans",
    )
    range_km = models.PositiveIntegerField(
        "range (km)",
        null=True,
        blank=True,
        help_text="electric vans: kilometres on a full charge; the planner keeps a reserve",
    )
    monthly_rate = models.DecimalField(max_digits=8, decimal_places=2)
    discount_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    minimum_term_months = models.PositiveIntegerField(default=12)
    branding_included = models.BooleanField(default=True)
    available_from = models.DateField(help_text="leases may not start before this day")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_rate__gte=0), name="offer_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="offer_discount_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(energy_per_km__gt=0), name="offer_energy_use_positive"
            ),
            models.CheckConstraint(
                condition=Q(package_capacity__gt=0), name="offer_holds_packages"
            ),
            models.CheckConstraint(
                condition=Q(range_km__isnull=True) | Q(range_km__gt=0),
                name="offer_range_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rate_after_discount(self) -> Decimal:
        return (self.monthly_rate * (100 - self.discount_percent) / 100).quantize(CENT)

    @property
    def energy_unit(self) -> str:
        return "kWh" if self.energy_kind == self.EnergyKind.ELECTRIC else "L"


class InsuranceOption(TimeStampedModel):
    """A cover the program offers with a catalogue van, and its monthly premium."""

    SHARED_REFERENCE = True

    offer = models.ForeignKey(
        VehicleOffer, on_delete=models.CASCADE, related_name="insurance_options"
    )
    name = models.CharField(max_length=120)
    monthly_premium = models.DecimalField(max_digits=8, decimal_places=2)
    deductible = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("1000"))

    class Meta:
        ordering = ["offer", "monthly_premium"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "name"], name="insurance_option_unique"),
            models.CheckConstraint(
                condition=Q(monthly_premium__gte=0), name="insurance_option_premium_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (${self.monthly_premium}/month)"


class Vehicle(TimeStampedModel):
    """One van of one DSP."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        GROUNDED = "grounded", "Grounded"
        RETURNED = "returned", "Returned"

    Kind = VehicleKind

    TENANT_PATH = "dsp"
    DRIVER_SEES_DSP_ROWS = True  # drivers pick and inspect their DSP's vans

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="vehicles")
    plate = models.CharField(max_length=16)
    vin = models.CharField("VIN", max_length=17)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CARGO_VAN)
    package_capacity = models.PositiveIntegerField(default=300)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    offer = models.ForeignKey(
        VehicleOffer, on_delete=models.PROTECT, null=True, blank=True, related_name="vehicles"
    )
    odometer_km = models.PositiveIntegerField(default=0)
    grounded_at = models.DateTimeField(null=True, blank=True)
    grounded_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["plate"]
        constraints = [
            models.UniqueConstraint(fields=["dsp", "plate"], name="vehicle_plate_unique_in_dsp"),
            models.UniqueConstraint(fields=["vin"], name="vehicle_vin_unique"),
            models.CheckConstraint(condition=~Q(plate=""), name="vehicle_has_plate"),
        ]

    def __str__(self) -> str:
        return self.plate


class Lease(TimeStampedModel):
    """A van leased by a DSP from the catalogue; open-ended when `ends_on` is empty."""

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="leases")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="leases")
    offer = models.ForeignKey(VehicleOffer, on_delete=models.PROTECT, related_name="leases")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    monthly_rate = models.DecimalField(
        max_digits=8, decimal_places=2, help_text="after the program's discount"
    )
    is_peak = models.BooleanField("peak (short-term) lease", default=False)
    returned_on = models.DateField(null=True, blank=True)
    transferred_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_to",
        help_text="the leaving DSP's lease this one continues",
    )

    class Meta:
        ordering = ["-starts_on", "vehicle__plate"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="lease_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(monthly_rate__gte=0), name="lease_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(is_peak=False) | Q(ends_on__isnull=False),
                name="lease_peak_has_an_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle} from {self.starts_on:%Y-%m-%d}"

    def covers(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class InsurancePolicy(TimeStampedModel):
    """Cover for one van, or for every van of the DSP when `vehicle` is empty."""

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="insurance_policies")
    vehicle = models.ForeignKey(
        Vehicle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="insurance_policies",
        help_text="empty: a fleet policy covering every van of the DSP",
    )
    option = models.ForeignKey(
        InsuranceOption, on_delete=models.PROTECT, null=True, blank=True, related_name="policies"
    )
    insurer = models.CharField(max_length=120)
    policy_number = models.CharField(max_length=60)
    monthly_premium = models.DecimalField(max_digits=8, decimal_places=2)
    starts_on = models.DateField()
    expires_on = models.DateField()

    class Meta:
        ordering = ["expires_on", "policy_number"]
        verbose_name_plural = "insurance policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("starts_on")), name="policy_expires_after_start"
            ),
            models.CheckConstraint(
                condition=Q(monthly_premium__gte=0), name="policy_premium_not_negative"
            ),
            models.UniqueConstraint(
                fields=["dsp", "insurer", "policy_number"], name="policy_number_unique_in_dsp"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_number}"


class CheckItem(models.TextChoices):
    TYRES = "tyres", "Tyres"
    LIGHTS = "lights", "Lights"
    BRAKES = "brakes", "Brakes"
    MIRRORS = "mirrors", "Mirrors"
    FLUIDS = "fluids", "Fluids"
    BODY_DAMAGE = "body_damage", "Body damage"
    CARGO_AREA = "cargo_area", "Cargo area"
    SAFETY_EQUIPMENT = "safety_equipment", "Safety equipment"


class Inspection(TimeStampedModel):
    """A daily vehicle inspection (DVIC) by a driver, before or after the route."""

    class Kind(models.TextChoices):
        PRE_TRIP = "pre_trip", "Pre-trip"
        POST_TRIP = "post_trip", "Post-trip"

    class Result(models.TextChoices):
        PASS = "pass", "Pass"
        DEFECTS = "defects", "Pass with minor defects"
        OUT_OF_SERVICE = "out_of_service", "Out of service"

    PASSING = (Result.PASS, Result.DEFECTS)

    TENANT_PATH = "vehicle__dsp"
    DRIVER_PATH = "inspector"  # drivers see the inspections they did

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="inspections")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRE_TRIP)
    inspected_on = models.DateField(help_text="the station's date")
    odometer_km = models.PositiveIntegerField()
    result = models.CharField(max_length=16, choices=Result.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["vehicle", "inspected_on"])]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.inspected_on:%Y-%m-%d} {self.get_result_display()}"

    @property
    def passed(self) -> bool:
        return self.result in self.PASSING


def _defect_photo_path(instance, filename: str) -> str:
    return f"inspections/{instance.inspection.inspected_on:%Y/%m}/{filename}"


class InspectionItem(TimeStampedModel):
    """One line of the checklist: fine, a minor defect, or out of service (with a photo)."""

    class State(models.TextChoices):
        OK = "ok", "OK"
        DEFECT = "defect", "Minor defect"
        OUT_OF_SERVICE = "out_of_service", "Out of service"

    TENANT_PATH = "inspection__vehicle__dsp"
    DRIVER_PATH = "inspection__inspector"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(max_length=20, choices=CheckItem.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OK)
    note = models.CharField(max_length=500, blank=True)
    photo = models.FileField(upload_to=_defect_photo_path, blank=True)

    class Meta:
        ordering = ["inspection", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once"),
            models.CheckConstraint(
                condition=Q(state="ok") | ~Q(photo=""), name="inspection_defect_has_a_photo"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()}: {self.get_state_display()}"


class OdometerReading(TimeStampedModel):
    """A van's odometer on a day, from an inspection, a service or (later) a completed route."""

    class Source(models.TextChoices):
        INSPECTION = "inspection", "Inspection"
        SERVICE = "service", "Service or repair"
        ROUTE = "route", "Completed route"
        MANUAL = "manual", "Entered by hand"

    TENANT_PATH = "vehicle__dsp"

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="odometer_readings")
    read_on = models.DateField()
    km = models.PositiveIntegerField()
    source = models.CharField(max_length=12, choices=Source.choices)

    class Meta:
        ordering = ["-read_on", "-km"]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.km} km"


class MaintenanceSchedule(TimeStampedModel):
    """Recurring service for one van, due by distance or time, whichever comes first."""

    TENANT_PATH = "vehicle__dsp"

    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.CASCADE, related_name="maintenance_schedules"
    )
    task = models.CharField(max_length=120)
    every_km = models.PositiveIntegerField(null=True, blank=True)
    every_months = models.PositiveIntegerField(null=True, blank=True)
    last_done_on = models.DateField()
    last_done_km = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["vehicle__plate", "task"]
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "task"], name="schedule_task_once_per_van"),
            models.CheckConstraint(
                condition=Q(every_km__gt=0) | Q(every_months__gt=0),
                name="schedule_has_an_interval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle} · {self.task}"


class Repair(TimeStampedModel):
    """A repair or a scheduled service, with its vendor and cost (a DSP expense)."""

    class Kind(models.TextChoices):
        REPAIR = "repair", "Repair"
        SERVICE = "service", "Scheduled service"

    TENANT_PATH = "vehicle__dsp"

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="repairs")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPAIR)
    schedule = models.ForeignKey(
        MaintenanceSchedule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
    )
    performed_on = models.DateField()
    vendor = models.CharField(max_length=120)
    description = models.CharField(max_length=500)
    cost = models.DecimalField(max_digits=9, decimal_places=2)
    odometer_km = models.PositiveIntegerField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="repairs_logged"
    )

    class Meta:
        ordering = ["-performed_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="repair_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.performed_on:%Y-%m-%d} {self.description}"
