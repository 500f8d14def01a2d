"""The tenant root: users, stations, DSPs and who belongs to which DSP in what role."""

from __future__ import annotations

import hashlib
import zoneinfo
from datetime import date, datetime, time

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from nextmile.validators import validate_plain_text


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
# Program staff support a DSP on the same pages its owner and dispatchers manage.
STAFF_AND_MANAGERS = (Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES)


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

    name = models.CharField(max_length=120, validators=[validate_plain_text])
    code = models.SlugField(max_length=32, unique=True)
    legal_name = models.CharField(max_length=200, blank=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="dsps")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.APPLYING)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    planned_routes_per_day = models.PositiveIntegerField(default=0)
    activated_at = models.DateTimeField(null=True, blank=True)
    # A suspension of new routes (set by program compliance actions): from this date, until the
    # optional end, planning and allocation skip the DSP. Read with `dsp_is_suspended`.
    routes_suspended_from = models.DateField(null=True, blank=True)
    routes_suspended_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "DSP"
        verbose_name_plural = "DSPs"
        constraints = [
            models.CheckConstraint(
                condition=Q(routes_suspended_until__isnull=True)
                | Q(
                    routes_suspended_from__isnull=False,
                    routes_suspended_until__gte=models.F("routes_suspended_from"),
                ),
                name="dsp_suspension_ends_after_start",
            ),
        ]

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


class TerritoryHolding(TimeStampedModel):
    """Who held a territory when: at most one open holding (no end) per territory, in the DB."""

    TENANT_PATH = "dsp"
    DRIVER_SEES_DSP_ROWS = True

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="holdings")
    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="territory_holdings")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["territory__code", "-starts_at"]
        constraints = [
            # The exclusivity rule itself: two transactions opening a holding on one territory
            # at the same moment cannot both commit.
            models.UniqueConstraint(
                fields=["territory"],
                condition=Q(ends_at__isnull=True),
                name="territory_one_open_holding",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="territory_holding_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.territory.code} · {self.dsp.name}"


class DspApplication(TimeStampedModel):
    """A prospective owner's application; the DSP exists (status applying) from the start."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class EntityType(models.TextChoices):
        LLC = "llc", "Limited liability company (LLC)"
        CORPORATION = "corporation", "Corporation"
        PARTNERSHIP = "partnership", "Partnership"
        SOLE_PROPRIETOR = "sole_proprietor", "Sole proprietorship"

    EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)
    DECIDED = (Status.APPROVED, Status.REJECTED)

    TENANT_PATH = "dsp"

    dsp = models.OneToOneField(Dsp, on_delete=models.PROTECT, related_name="application")
    applicant = models.ForeignKey(User, on_delete=models.PROTECT, related_name="dsp_applications")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Business
    legal_name = models.CharField(max_length=200, blank=True)
    entity_type = models.CharField(max_length=20, choices=EntityType.choices, blank=True)
    # Contact and address
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    business_address = models.CharField(max_length=255, blank=True)
    # Experience
    experience_years = models.PositiveSmallIntegerField(null=True, blank=True)
    experience = models.TextField(blank=True, help_text="Delivery or logistics experience")
    # Plans
    requested_station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="applications"
    )
    requested_territory = models.ForeignKey(
        Territory, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    planned_vans = models.PositiveIntegerField(null=True, blank=True)
    planned_headcount = models.PositiveIntegerField(null=True, blank=True)
    # Documents (checked by content in the service; stored under a random name)
    insurance_certificate = models.FileField(upload_to="applications/insurance/", blank=True)
    business_registration = models.FileField(upload_to="applications/registration/", blank=True)
    # Review
    reviewer_message = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    documents_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "rejected"]) | Q(decided_at__isnull=False),
                name="application_decision_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Application of {self.legal_name or self.dsp.name}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class TerritoryRequest(TimeStampedModel):
    """An active DSP asks for an unassigned territory (growth) or to give one back."""

    class Kind(models.TextChoices):
        ACQUIRE = "acquire", "Take on"
        RELEASE = "release", "Release"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="territory_requests")
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    note = models.TextField(blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dsp", "territory", "kind"],
                condition=Q(status="pending"),
                name="territory_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dsp.name} · {self.get_kind_display()} {self.territory.code}"


class AuditEvent(models.Model):
    """One program decision: who did what to which object, when and why (append-only)."""

    STAFF_ONLY = True

    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    verb = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=200, blank=True)
    dsp = models.ForeignKey(
        Dsp, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.verb} {self.target_label}"

    @property
    def verb_label(self) -> str:
        """The verb as people read it: `application.submitted` → "Application submitted"."""
        return verb_label(self.verb)


def verb_label(verb: str) -> str:
    """An audit verb (`subject.action`, words joined by `_`) as a sentence-case label."""
    words = verb.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


class ApiKey(TimeStampedModel):
    """A named key a DSP's own software signs API calls with; only its hash is stored."""

    TENANT_PATH = "dsp"

    class Scope(models.TextChoices):
        READ_ONLY = "read_only", "Read-only"
        DISPATCHER = "dispatcher", "Dispatcher"
        OWNER = "owner", "Owner"

    PREFIX = "nm_"

    name = models.CharField(max_length=80)
    dsp = models.ForeignKey(
        Dsp, on_delete=models.CASCADE, related_name="api_keys", null=True, blank=True
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_keys")
    scope = models.CharField(max_length=16, choices=Scope.choices)
    key_prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_of(raw: str) -> str:
        """The stored form of a key (keys are 256 random bits, so a plain SHA-256 suffices)."""
        return hashlib.sha256(raw.encode()).hexdigest()

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotentRequest(TimeStampedModel):
    """The first answer to a POST sent with an `Idempotency-Key`, replayed to a resend."""

    key = models.CharField(max_length=100)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=255, help_text="method and path")
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="None while the first request is still being answered"
    )
    body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "endpoint", "key"], name="idempotent_request_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
