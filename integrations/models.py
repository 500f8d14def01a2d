"""Webhooks: who listens to which events, each event sent to each listener, and every attempt."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dsps.models import Dsp, Station, TimeStampedModel


class WebhookSubscription(TimeStampedModel):
    """A URL that receives some event types: a DSP's own (dsp set) or the program's (dsp None:
    every DSP's events, or one station's when `station` is set; only program staff see these).
    """

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(
        Dsp, on_delete=models.CASCADE, null=True, blank=True, related_name="webhooks"
    )
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, null=True, blank=True, related_name="webhooks"
    )
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=120, blank=True)
    events = models.JSONField(default=list, help_text="event types, e.g. route.assigned")
    secret = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dsp__isnull=True) | Q(station__isnull=True),
                name="webhook_station_only_for_program",
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.url

    @property
    def scope_label(self) -> str:
        if self.dsp_id:
            return self.dsp.name
        if self.station_id:
            return f"Program · {self.station.code}"
        return "Program · all stations"

    @property
    def secret_hint(self) -> str:
        return f"…{self.secret[-4:]}"


class WebhookDelivery(TimeStampedModel):
    """One event for one subscription: its payload (fixed) and where its sending stands."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    TENANT_PATH = "subscription__dsp"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()
    payload = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="webhook_delivery_once_per_event"
            ),
        ]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="webhook_log_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class WebhookAttempt(models.Model):
    """One POST of a delivery (append-only): when, the answer, how long it took."""

    class Trigger(models.TextChoices):
        FIRST = "first", "First send"
        RETRY = "retry", "Automatic retry"
        RESEND = "resend", "Re-sent by hand"

    TENANT_PATH = "delivery__subscription__dsp"

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    trigger = models.CharField(max_length=8, choices=Trigger.choices, default=Trigger.FIRST)
    started_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_number"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery} #{self.number}"
