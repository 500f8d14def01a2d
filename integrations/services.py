"""Every write of integrations: subscriptions and their secrets, deliveries and their attempts."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dsps.models import Role, Station
from dsps.services import audit_record
from dsps.tenancy import WEBHOOK, dsp_of, has_role, require_dsp_power
from nextmile.tasks import enqueue_after_commit
from routes.signals import EVENT_TYPES, RouteEvent

from . import sender
from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription

# The Celery task that makes one attempt (integrations/tasks.py registers it under this name).
WEBHOOK_DELIVER = "integrations.webhook_deliver"

log = logging.getLogger(__name__)


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def _clean_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise ValidationError({"events": "Pick at least one event."})
    unknown = sorted({str(e) for e in events} - EVENT_TYPES.keys())
    if unknown:
        raise ValidationError({"events": f"Unknown event type: {', '.join(unknown)}."})
    return [e for e in EVENT_TYPES if e in events]


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": "Enter the URL that receives the events."})
    if len(url) > 500:
        raise ValidationError({"url": "Keep the URL under 500 characters."})
    problem = sender.url_problem(url)
    if problem:
        raise ValidationError({"url": problem})
    return url


def _audit(*, by, verb: str, subscription: WebhookSubscription, data: dict | None = None) -> None:
    audit_record(
        actor=by,
        verb=verb,
        target=subscription,
        dsp=subscription.dsp,
        data={"url": subscription.url, "events": subscription.events, **(data or {})},
    )


@transaction.atomic
def subscription_create(
    *,
    by,
    url: str,
    events: list[str],
    description: str = "",
    station: Station | None = None,
) -> WebhookSubscription:
    """A DSP owner subscribes their DSP; program staff subscribe the program (or one station).

    Nothing is sent now: the first POST goes out with the first matching event.
    """
    if has_role(by, Role.PROGRAM_STAFF):
        dsp = None
    elif has_role(by, Role.OWNER):
        dsp = dsp_of(by)
        require_dsp_power(dsp, WEBHOOK)
        if station is not None:
            raise ValidationError({"station": "A DSP's webhook receives its own DSP's events."})
    else:
        raise PermissionDenied("Only DSP owners and program staff register webhooks.")
    subscription = WebhookSubscription(
        dsp=dsp,
        station=station,
        url=_clean_url(url),
        events=_clean_events(events),
        description=(description or "").strip()[:120],
        secret=new_secret(),
        created_by=by,
    )
    subscription.full_clean()
    subscription.save()
    _audit(by=by, verb="webhook.created", subscription=subscription)
    return subscription


@transaction.atomic
def subscription_update(
    *,
    subscription: WebhookSubscription,
    by,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookSubscription:
    """Change the URL, events, description or whether it is active (disable keeps the log)."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    before = {"url": subscription.url, "events": subscription.events, "on": subscription.is_active}
    if url is not None:
        subscription.url = _clean_url(url)
    if events is not None:
        subscription.events = _clean_events(events)
    if description is not None:
        subscription.description = description.strip()[:120]
    if is_active is not None:
        subscription.is_active = bool(is_active)
    subscription.full_clean()
    subscription.save()
    after = {"url": subscription.url, "events": subscription.events, "on": subscription.is_active}
    if after != before:
        verb = "webhook.updated"
        if before["on"] != after["on"]:
            verb = "webhook.enabled" if after["on"] else "webhook.disabled"
        _audit(by=by, verb=verb, subscription=subscription, data={"before": before})
    return subscription


@transaction.atomic
def subscription_secret_rotate(*, subscription: WebhookSubscription, by) -> WebhookSubscription:
    """A new secret at once; the old one stops signing now."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.secret = new_secret()
    subscription.secret_rotated_at = timezone.now()
    subscription.save(update_fields=["secret", "secret_rotated_at", "updated_at"])
    _audit(by=by, verb="webhook.secret_rotated", subscription=subscription)
    return subscription


@transaction.atomic
def subscription_secret_reveal(*, subscription: WebhookSubscription, by) -> str:
    """The secret, for its holder to copy; each reveal is on the audit trail."""
    _audit(by=by, verb="webhook.secret_revealed", subscription=subscription)
    return subscription.secret


# --- Deliveries ----------------------------------------------------------------------------


def subscriptions_for(event: RouteEvent) -> list[WebhookSubscription]:
    """Active subscriptions that want `event`: its DSP's, the program's, its station's."""
    candidates = WebhookSubscription.objects.filter(is_active=True).filter(
        Q(dsp_id=event.dsp_id)
        | Q(dsp__isnull=True, station__isnull=True)
        | Q(dsp__isnull=True, station_id=event.station_id)
    )
    # Few rows; filtering the event list here keeps the query portable to SQLite.
    return [s for s in candidates.order_by("pk") if event.type in s.events]


def event_payload(event: RouteEvent) -> dict:
    return {
        "id": event.id,
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "dsp": event.dsp_id,
        "station": event.station_id,
        "data": event.data,
    }


def deliveries_create(*, event: RouteEvent) -> list[WebhookDelivery]:
    """One delivery per interested subscription, each queued after commit. Safe to call twice."""
    payload = event_payload(event)
    made = []
    with transaction.atomic():
        for subscription in subscriptions_for(event):
            delivery, created = WebhookDelivery.objects.get_or_create(
                subscription=subscription,
                event_id=event.id,
                defaults={
                    "event_type": event.type,
                    "occurred_at": event.occurred_at,
                    "payload": payload,
                },
            )
            if created:
                made.append(delivery)
                _queue_after_commit(delivery.pk, 1, WebhookAttempt.Trigger.FIRST)
    return made


def _queue_after_commit(delivery_id: int, number: int, trigger: str, countdown: int = 0) -> None:
    def unavailable() -> None:
        # The delivery stays pending in the log; it can be re-sent from there.
        log.warning("Queue unavailable; webhook delivery %s attempt %s", delivery_id, number)

    enqueue_after_commit(
        WEBHOOK_DELIVER,
        delivery_id,
        number,
        trigger,
        countdown=countdown,
        on_queue_error=unavailable,
    )


def retry_delay_s(number: int) -> int:
    """Seconds to wait after failed attempt `number` (1-based): exponential."""
    return sender.setting("WEBHOOK_RETRY_BASE_S") * 2 ** (number - 1)


def _body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def delivery_attempt(
    *, delivery_id: int, number: int, trigger: str = WebhookAttempt.Trigger.FIRST
) -> WebhookAttempt | None:
    """Make attempt `number` of a delivery: POST, record the answer, schedule the next retry.

    At most once per number: the attempt row is written before the POST, so a task delivered
    twice sends once (None for the duplicate). No lock is held during the POST.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscription")
            .get(pk=delivery_id)
        )
        if WebhookAttempt.objects.filter(delivery=delivery, number=number).exists():
            return None
        attempt = WebhookAttempt.objects.create(
            delivery=delivery, number=number, trigger=trigger, started_at=timezone.now()
        )
        subscription = delivery.subscription
        if not subscription.is_active:
            # Disabled since this attempt was queued: log it, send nothing, retry no more.
            attempt.error = "The webhook is disabled; not sent."
            attempt.duration_ms = 0
            attempt.save(update_fields=["error", "duration_ms"])
            delivery.attempt_count = max(delivery.attempt_count, number)
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
            delivery.save()
            return attempt
        body = _body(delivery)
        headers = sender.signed_headers(
            secret=subscription.secret,
            body=body,
            event_id=str(delivery.event_id),
            event_type=delivery.event_type,
        )
    answer = sender.post(subscription.url, body, headers)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        attempt.status_code = answer.status_code
        attempt.duration_ms = answer.duration_ms
        attempt.ok = answer.ok
        attempt.error = answer.error[:500]
        if answer.status_code is not None and not answer.ok and not attempt.error:
            attempt.error = f"HTTP {answer.status_code}"
        attempt.response_excerpt = answer.excerpt[:500]
        attempt.save()
        delivery.attempt_count = max(delivery.attempt_count, number)
        delivery.last_status_code = answer.status_code
        delivery.last_attempt_at = attempt.started_at
        delivery.next_attempt_at = None
        if answer.ok:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
        elif trigger != WebhookAttempt.Trigger.RESEND and number < sender.setting(
            "WEBHOOK_MAX_ATTEMPTS"
        ):
            delay = retry_delay_s(number)
            delivery.status = WebhookDelivery.Status.RETRYING
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            _queue_after_commit(
                delivery.pk,
                number + 1,
                WebhookAttempt.Trigger.RETRY,
                countdown=delay,
            )
        else:
            delivery.status = WebhookDelivery.Status.FAILED
        delivery.save()
    return attempt


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery, by) -> WebhookDelivery:
    """Send the same event (same id, same body, fresh signature) again, as a new attempt.

    Two clicks (or a click racing an automatic retry) make one POST: attempts are numbered.
    """
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("subscription")
        .get(pk=delivery.pk)
    )
    if not delivery.subscription.is_active:
        raise ValidationError({"subscription": "The webhook is disabled; enable it to re-send."})
    number = delivery.attempt_count + 1
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
    _queue_after_commit(delivery.pk, number, WebhookAttempt.Trigger.RESEND)
    return delivery
