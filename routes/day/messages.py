"""Messages: one thread per route between its driver, the DSP's dispatchers and staff."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from dsps.tenancy import scope_to_user
from routes.models import Message, MessageRead, Route, RouteStop


@transaction.atomic
def message_send(*, user, route: Route, body: str, route_stop: RouteStop | None = None) -> Message:
    """Post to a route's thread (the caller already reached `route` through scoping)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a message first."})
    if route_stop is not None and route_stop.route_id != route.pk:
        raise ValidationError({"route_stop": "That stop is not on this route."})
    message = Message(route=route, author=user, body=body, route_stop=route_stop)
    message.full_clean()
    message.save()
    MessageRead.objects.update_or_create(
        route=route, user=user, defaults={"last_read_id": message.pk}
    )
    return message


@transaction.atomic
def message_thread_mark_read(*, user, route: Route) -> None:
    last = Message.objects.filter(route=route).aggregate(m=Max("id"))["m"] or 0
    MessageRead.objects.update_or_create(route=route, user=user, defaults={"last_read_id": last})


def message_list(*, user, route: Route):
    return (
        scope_to_user(Message.objects.filter(route=route), user)
        .select_related("author", "route_stop__stop")
        .order_by("id")
    )


def unread_counts(*, user, routes):
    """{route id: messages by others past what the user read} in one query."""
    read = MessageRead.objects.filter(route=OuterRef("pk"), user=user).values("last_read_id")
    rows = (
        Route.objects.filter(pk__in=[r.pk for r in routes])
        .annotate(read_to=Coalesce(Subquery(read[:1]), 0))
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__id__gt=F("read_to")) & ~Q(messages__author=user),
            )
        )
        .values_list("pk", "unread")
    )
    return dict(rows)
