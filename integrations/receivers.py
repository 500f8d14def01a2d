"""Routes' events become webhook deliveries (connected in IntegrationsConfig.ready)."""

from __future__ import annotations

from routes.signals import RouteEvent


def on_route_event(sender, event: RouteEvent, **kwargs) -> None:
    from .services import deliveries_create

    deliveries_create(event=event)
