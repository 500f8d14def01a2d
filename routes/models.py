"""A station's day: the manifest of packages and the routes that deliver them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from drivers.models import Driver
from dsps.models import Dsp, Station, TimeStampedModel
from fleet.models import Vehicle
from routes.rules.colours import route_colour
from routes.rules.ev_range import range_share


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
    recipient_email = models.EmailField(blank=True, help_text="for the tracking link")
    recipient_phone = models.CharField(max_length=24, blank=True, help_text="for the tracking link")
    address = models.CharField(max_length=255)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    window_start = models.TimeField(null=True, blank=True)
    window_end = models.TimeField(null=True, blank=True)
    size = models.PositiveIntegerField(default=1, help_text="volume units")
    weight_g = models.PositiveIntegerField(default=1000)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    service_time_s = models.PositiveIntegerField(null=True, blank=True)
    stop = models.ForeignKey(
        "Stop", on_delete=models.SET_NULL, null=True, blank=True, related_name="packages"
    )

    class Meta:
        ordering = ["tracking_id"]
        constraints = [
            # Per DSP, so that an importer's duplicate check never reveals another DSP's
            # packages; uncovered packages (no DSP) are one group, hence nulls_distinct=False.
            models.UniqueConstraint(
                fields=["manifest", "dsp", "tracking_id"],
                name="package_tracking_unique_per_dsp_in_manifest",
                nulls_distinct=False,
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
    plan_job = models.ForeignKey(
        "PlanJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="routes"
    )
    departs_at = models.DateTimeField(null=True, blank=True)
    returns_at = models.DateTimeField(null=True, blank=True)
    distance_m = models.PositiveIntegerField(default=0)
    drive_s = models.PositiveIntegerField(default=0)
    service_s = models.PositiveIntegerField(default=0)
    load = models.PositiveIntegerField(default=0, help_text="volume units")
    energy = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    energy_unit = models.CharField(max_length=8, blank=True, help_text="l or kWh")
    co2_kg = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    cost = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    problems = models.JSONField(
        default=list, blank=True, help_text="what the last re-check found wrong, as sentences"
    )
    late_stops = models.PositiveIntegerField(
        default=0, help_text="stops the last re-check found starting after their window closes"
    )
    unassigned_at = models.DateTimeField(
        null=True, blank=True, help_text="when the DSP last took its driver and van off it"
    )
    phone_outbox = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="driver actions still on the phone (waiting + needing attention), as last "
        "reported by it; None: never reported",
    )
    phone_outbox_reported_at = models.DateTimeField(
        null=True, blank=True, help_text="when the phone last reported its outbox"
    )

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

    @property
    def range_share(self) -> float | None:
        """Share of its electric van's full range this route drives, or None."""
        return range_share(self)

    @property
    def colour(self) -> str:
        """This route's colour on every map, timeline and board (routes/rules/colours.py)."""
        return route_colour(code=self.code, dsp_id=self.dsp_id)

    def __str__(self) -> str:
        return f"{self.code} {self.service_date:%Y-%m-%d}"


class Stop(TimeStampedModel):
    """One address to visit on a date: the packages for it merged (sizes summed, tightest window,
    longest service time). `dsp` is the holder of the territory containing it; None = uncovered.
    """

    TENANT_PATH = "dsp"

    manifest = models.ForeignKey(Manifest, on_delete=models.CASCADE, related_name="stops")
    dsp = models.ForeignKey(
        Dsp, on_delete=models.PROTECT, null=True, blank=True, related_name="stops"
    )
    address = models.CharField(max_length=255)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    package_count = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0, help_text="volume units")
    weight_g = models.PositiveIntegerField(default=0)
    window_start = models.TimeField(null=True, blank=True)
    window_end = models.TimeField(null=True, blank=True)
    service_time_s = models.PositiveIntegerField(default=120)
    priority = models.CharField(
        max_length=8, choices=Package.Priority.choices, default=Package.Priority.NORMAL
    )
    drop_reason = models.CharField(
        max_length=255, blank=True, help_text="why the latest plan left it out"
    )
    allocated_by_hand = models.BooleanField(default=False)

    class Meta:
        ordering = ["address", "id"]
        indexes = [models.Index(fields=["manifest", "dsp"], name="stop_manifest_dsp")]

    def __str__(self) -> str:
        return self.address


class PlanJob(TimeStampedModel):
    """One request to plan a date: for one DSP, or (dsp None, staff only) a whole station."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    TENANT_PATH = "dsp"

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="plan_jobs")
    service_date = models.DateField()
    dsp = models.ForeignKey(
        Dsp, on_delete=models.PROTECT, null=True, blank=True, related_name="plan_jobs"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    time_limit_s = models.PositiveIntegerField(default=30)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_limit_s__gte=1) & Q(time_limit_s__lte=3600),
                name="plan_job_time_limit_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.station.code} {self.service_date:%Y-%m-%d} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class PlanRun(TimeStampedModel):
    """One DSP's solve inside a plan job: its own Celery task, progress and result."""

    Status = PlanJob.Status
    TENANT_PATH = "dsp"

    job = models.ForeignKey(PlanJob, on_delete=models.CASCADE, related_name="runs")
    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="plan_runs")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    best_objective = models.FloatField(null=True, blank=True)
    elapsed_s = models.FloatField(default=0)
    # Its share of the job's search (`routes.planning.rounds.time_shares`), set as the job
    # starts; empty on runs made before shares existed, which search the job's time limit.
    time_limit_s = models.PositiveIntegerField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    # Where the solve stands (`routes.optimizer.decompose.Phase.to_json`), while it runs.
    phase = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["job", "dsp__name"]
        constraints = [
            models.UniqueConstraint(fields=["job", "dsp"], name="plan_run_one_per_dsp"),
        ]

    def __str__(self) -> str:
        return f"{self.job} · {self.dsp}"

    @property
    def search_s(self) -> int:
        """Seconds this run searches."""
        return self.time_limit_s or self.job.time_limit_s


class PlanGroupResult(TimeStampedModel):
    """One group of a plan run's round: claimed by whoever solves it, then its answer.

    The coordinating solve and the `optimize` workers race to create this row; the one that
    creates it solves the group, so no group is solved twice. `answer` stays empty until
    the solve ends; a row still empty long after its time limit means a lost worker.
    """

    TENANT_PATH = "run__dsp"

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="group_results")
    round_key = models.CharField(max_length=40)
    group = models.PositiveIntegerField()
    answer = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["run", "round_key", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "round_key", "group"], name="plan_group_result_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run} · round {self.round_key} · group {self.group}"


class RouteStop(TimeStampedModel):
    """A stop's place on a route: order, planned arrival and the leg driven to reach it."""

    TENANT_PATH = "route__dsp"
    DRIVER_PATH = "route__driver__user"

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="route_stops")
    stop = models.OneToOneField(Stop, on_delete=models.CASCADE, related_name="route_stop")
    sequence = models.PositiveIntegerField()
    planned_arrival = models.DateTimeField()
    planned_start = models.DateTimeField()
    leg_distance_m = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["route", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["route", "sequence"], name="route_stop_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.route.code} #{self.sequence}"


# --- The day of delivery: append-only events the scorecard, payout and tracking derive from ---


class FailureReason(models.TextChoices):
    """Why a package was not delivered: the one list of reason codes and labels.

    A failed attempt gives a reason seen at the door (`at_the_door`); a package brought back to
    the station may give any of them, or one only known there (`only_at_the_station`: out of
    driving time, missing from the van)."""

    BUSINESS_CLOSED = "business_closed", "Business closed"
    NO_SECURE_LOCATION = "no_secure_location", "No secure location"
    NO_ACCESS = "no_access", "Unable to access (gate, locked building)"
    CANNOT_LOCATE = "cannot_locate", "Unable to locate address"
    RECIPIENT_UNAVAILABLE = "recipient_unavailable", "Recipient unavailable"
    UNSAFE = "unsafe", "Unsafe location (e.g. dog)"
    LOCKER_ISSUE = "locker_issue", "Locker issue"
    DAMAGED = "damaged", "Damaged"
    OUT_OF_TIME = "out_of_time", "Out of driving time"
    MISSING = "missing", "Missing package"
    WRONG_ADDRESS = "wrong_address", "Wrong address"

    @classmethod
    def only_at_the_station(cls) -> list["FailureReason"]:
        return [cls.OUT_OF_TIME, cls.MISSING]

    @classmethod
    def at_the_door(cls) -> list["FailureReason"]:
        return [r for r in cls if r not in cls.only_at_the_station()]


class DeliveryEvent(models.Model):
    """One thing that happened to a package on a route. Never updated, never deleted.

    `idempotency_key` is chosen by the sender (the driver's phone), so a resend after a lost
    connection records nothing new. A package is delivered at most once (partial unique index).
    """

    class Kind(models.TextChoices):
        LOADED = "loaded", "Scanned into the van"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Attempt failed"
        RETURNED = "returned", "Returned to station"

    class DeliveredTo(models.TextChoices):
        RECIPIENT = "recipient", "Recipient"
        HOUSEHOLD = "household", "Household member"
        SAFE_PLACE = "safe_place", "Safe place"
        LOCKER = "locker", "Locker"

    class PhotoReview(models.TextChoices):
        NONE = "none", "No photo"
        PENDING = "pending", "Not reviewed"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    TENANT_PATH = "route__dsp"
    DRIVER_PATH = "route__driver__user"

    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="events")
    route_stop = models.ForeignKey(
        RouteStop, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="events")
    driver = models.ForeignKey(
        Driver, on_delete=models.PROTECT, null=True, blank=True, related_name="delivery_events"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(max_length=24, choices=FailureReason.choices, blank=True)
    delivered_to = models.CharField(max_length=12, choices=DeliveredTo.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    photo = models.FileField(upload_to="proof/%Y/%m/%d/", blank=True)
    photo_review = models.CharField(
        max_length=10, choices=PhotoReview.choices, default=PhotoReview.NONE
    )
    photo_reject_reason = models.CharField(max_length=120, blank=True)
    within_window = models.BooleanField(
        null=True, blank=True, help_text="delivered inside the package's window (None: no window)"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    occurred_at = models.DateTimeField(help_text="when it happened on the phone")
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="when the phone put it in its outbox (None: sent at once)"
    )
    idempotency_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, help_text="when the server recorded it")

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["route", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["package"],
                condition=Q(kind="delivered"),
                name="package_delivered_at_most_once",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["failed", "returned"]) | ~Q(reason=""),
                name="delivery_event_failure_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package_id} {self.kind} {self.occurred_at:%H:%M}"


class CustomerFeedback(TimeStampedModel):
    """What a recipient said about a delivery (feeds the scorecard's CDF and DNR metrics)."""

    class Kind(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEGATIVE = "negative", "Negative"
        NOT_RECEIVED = "not_received", "Delivered, not received"
        ESCALATION = "escalation", "Customer escalation"

    TENANT_PATH = "package__dsp"

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="feedback")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    comment = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.package_id} {self.kind}"


class ShiftPunch(models.Model):
    """Clock-in, breaks and clock-out on a route day: the hours billing and payroll pay."""

    class Kind(models.TextChoices):
        CLOCK_IN = "clock_in", "Clock in"
        BREAK_START = "break_start", "Break start"
        BREAK_END = "break_end", "Break end"
        CLOCK_OUT = "clock_out", "Clock out"

    TENANT_PATH = "driver__dsp"
    DRIVER_PATH = "driver__user"

    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="punches")
    route = models.ForeignKey(
        Route, on_delete=models.PROTECT, null=True, blank=True, related_name="punches"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()
    odometer_km = models.PositiveIntegerField(null=True, blank=True)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="when the phone put it in its outbox (None: sent at once)"
    )
    idempotency_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["driver", "at"])]

    def __str__(self) -> str:
        return f"{self.driver_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class LocationPing(models.Model):
    """Where a driver's phone was during an active route (pruned after a retention period)."""

    TENANT_PATH = "route__dsp"
    DRIVER_PATH = "route__driver__user"

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="pings")
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["route", "recorded_at"]
        indexes = [models.Index(fields=["route", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.route_id} @ {self.recorded_at:%H:%M:%S}"


# --- Dispatch and the driver's day ---


class DayConfirmation(TimeStampedModel):
    """A driver's answer, the day before, to "will you work on `service_date`?".

    Rostered drivers (already on a route) and standby drivers both answer; a "yes" from a driver
    without a route puts them in the standby pool that covers routes at risk.
    """

    TENANT_PATH = "driver__dsp"
    DRIVER_PATH = "driver__user"

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="day_confirmations")
    service_date = models.DateField()
    available = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["service_date", "driver"]
        constraints = [
            models.UniqueConstraint(
                fields=["driver", "service_date"], name="day_confirmation_one_per_driver_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.driver_id} {self.service_date:%Y-%m-%d} {'yes' if self.available else 'no'}"


class TrackingLink(models.Model):
    """The recipient's link for one package: an unguessable token, no account needed."""

    TENANT_PATH = "package__dsp"

    package = models.OneToOneField(Package, on_delete=models.CASCADE, related_name="tracking")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Tracking {self.package_id}"


class TrackingNotice(models.Model):
    """A tracking link sent to a package's recipient once per channel, and how it went."""

    class Channel(models.TextChoices):
        EMAIL = "email", "E-mail"
        SMS = "sms", "SMS"

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    TENANT_PATH = "package__dsp"

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="notices")
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="notices")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    to = models.CharField(max_length=254)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENDING)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    resends = models.PositiveSmallIntegerField(
        default=0, help_text="times dispatch sent the link again"
    )

    class Meta:
        ordering = ["package", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "channel"], name="tracking_notice_once_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.package_id} {self.status}"


# --- Live tracking, disruptions and messages ---


class Disruption(TimeStampedModel):
    """Something that spoils the plan: a closed or slow area for a time, or a route that stops.

    An area (`kind` closure or slowdown) is a GeoJSON Polygon with a speed factor (0 = closed);
    a breakdown names the route whose driver or van cannot continue.
    """

    class Kind(models.TextChoices):
        CLOSURE = "closure", "Road closure"
        SLOWDOWN = "slowdown", "Slowdown"
        BREAKDOWN = "breakdown", "Vehicle breakdown / driver cannot continue"

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="disruptions")
    service_date = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    area = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon (lon, lat)")
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    speed_factor = models.DecimalField(max_digits=3, decimal_places=2, default=0)
    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, null=True, blank=True, related_name="disruptions"
    )
    note = models.CharField(max_length=255, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(speed_factor__gte=0) & Q(speed_factor__lt=1),
                name="disruption_speed_factor_below_one",
            ),
            models.CheckConstraint(
                condition=Q(kind="breakdown", route__isnull=False)
                | (~Q(kind="breakdown") & Q(area__isnull=False)),
                name="disruption_area_or_route",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.service_date:%Y-%m-%d}"


class ReplanJob(TimeStampedModel):
    """Re-optimising a DSP's routes in progress after a disruption: a proposal to apply.

    `proposal` holds, per affected route, the remaining stops' new order and ETAs, and the
    stops that move to another route (a rescue) with where the drivers meet.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PROPOSED = "proposed", "Proposed"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        REROUTE = "reroute", "Reroute"
        RESCUE = "rescue", "Rescue"

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="replan_jobs")
    service_date = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    disruption = models.ForeignKey(
        Disruption, on_delete=models.CASCADE, null=True, blank=True, related_name="replan_jobs"
    )
    route = models.ForeignKey(
        Route,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rescues",
        help_text="the route rescued (behind pace or broken down)",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    time_limit_s = models.PositiveIntegerField(default=5)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    proposal = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_limit_s__gte=1) & Q(time_limit_s__lte=600),
                name="replan_job_time_limit_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.service_date:%Y-%m-%d} ({self.status})"


class RouteChange(models.Model):
    """What an applied re-plan changed on one route, as facts (`routes/replan/changes.py`): stop,
    from and to route, old and new arrival, reason code. The driver's page words them."""

    TENANT_PATH = "route__dsp"
    DRIVER_PATH = "route__driver__user"

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="changes")
    job = models.ForeignKey(ReplanJob, on_delete=models.CASCADE, related_name="changes")
    facts = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["route", "job"], name="route_change_one_per_job"),
        ]

    def __str__(self) -> str:
        return f"{self.route_id} changed by {self.job_id}"


class Message(models.Model):
    """One message in a route's thread (driver, the DSP's dispatchers, program support)."""

    TENANT_PATH = "route__dsp"
    DRIVER_PATH = "route__driver__user"

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=2000)
    route_stop = models.ForeignKey(
        RouteStop, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["route", "id"])]

    def __str__(self) -> str:
        return f"{self.route_id}: {self.body[:30]}"


class MessageRead(models.Model):
    """How far a user has read a route's thread (the unread count is what lies past it)."""

    TENANT_PATH = "route__dsp"
    DRIVER_PATH = "user"

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="message_reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["route", "user"], name="message_read_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.route_id} to {self.last_read_id}"
