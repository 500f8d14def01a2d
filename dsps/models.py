"""The tenant root: users, stations, DSPs and who belongs to which DSP in what role."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an e-mail address; their role comes from `Membership`."""

    username = None
    email = models.EmailField("e-mail address", unique=True)
    phone = models.CharField(max_length=32, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Role(models.TextChoices):
    PROGRAM_STAFF = "program_staff", "Program staff"
    OWNER = "owner", "DSP owner"
    DISPATCHER = "dispatcher", "Dispatcher"
    DRIVER = "driver", "Driver"


DSP_ROLES = (Role.OWNER, Role.DISPATCHER, Role.DRIVER)
DSP_MANAGER_ROLES = (Role.OWNER, Role.DISPATCHER)


class Station(TimeStampedModel):
    """A delivery station: where packages are sorted and routes start and end."""

    SHARED_REFERENCE = True  # every signed-in user may read stations

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=255)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    timezone = models.CharField(max_length=64, default="America/Chicago")
    opens_at = models.TimeField(default=time(7, 0))
    closes_at = models.TimeField(default=time(21, 0))

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="station_coordinates_on_earth",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="station_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def clean(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"timezone": f"Unknown time zone “{self.timezone}”."}) from None

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def today(self) -> date:
        return timezone.localdate(timezone=self.tz)

    def localize(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.tz)


class Dsp(TimeStampedModel):
    """A Delivery Service Partner: the tenant every DSP-owned row hangs from."""

    class Status(models.TextChoices):
        APPLYING = "applying", "Applying"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        REJECTED = "rejected", "Rejected"
        TERMINATED = "terminated", "Terminated"

    TENANT_PATH = "pk"

    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=32, unique=True)
    legal_name = models.CharField(max_length=200, blank=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="dsps")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.APPLYING)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    planned_routes_per_day = models.PositiveIntegerField(default=0)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "DSP"
        verbose_name_plural = "DSPs"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Membership(TimeStampedModel):
    """One user's role: program staff (no DSP) or owner / dispatcher / driver of one DSP."""

    TENANT_PATH = "dsp"
    DRIVER_PATH = "user"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    dsp = models.ForeignKey(
        Dsp, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["dsp__name", "role", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role=Role.PROGRAM_STAFF) & Q(dsp__isnull=True))
                | (~Q(role=Role.PROGRAM_STAFF) & Q(dsp__isnull=False)),
                name="membership_staff_has_no_dsp_others_have_one",
            ),
        ]

    def __str__(self) -> str:
        where = self.dsp.name if self.dsp_id else "program"
        return f"{self.user} · {self.get_role_display()} · {where}"


class Territory(TimeStampedModel):
    """An area of a station that one DSP serves exclusively (a GeoJSON polygon)."""

    TENANT_PATH = "dsp"
    DRIVER_SEES_DSP_ROWS = True

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="territories")
    code = models.CharField(max_length=24)
    name = models.CharField(max_length=120)
    boundary = models.JSONField(help_text="GeoJSON Polygon, lon/lat")
    postal_codes = models.JSONField(default=list, blank=True)
    dsp = models.ForeignKey(
        Dsp, on_delete=models.PROTECT, null=True, blank=True, related_name="territories"
    )

    class Meta:
        ordering = ["station__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["station", "code"], name="territory_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"
