"""Routes' events become webhook deliveries (connected in IntegrationsConfig.ready)."""

from __future__ import annotations

from routes.signals import RouteEvent

from .services import deliveries_create


def on_route_event(sender, event: RouteEvent, **kwargs) -> None:
    deliveries_create(event=event)
