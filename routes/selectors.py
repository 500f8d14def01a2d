"""Reads of manifests and routes, already scoped to the caller."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from dsps.tenancy import scope_to_user

from .models import Manifest, Route


def route_list(*, user, service_date: date | None = None) -> QuerySet[Route]:
    qs = scope_to_user(Route.objects.all(), user).select_related(
        "dsp", "driver", "vehicle", "station"
    )
    if service_date:
        qs = qs.filter(service_date=service_date)
    return qs.order_by("service_date", "code")


def route_for_driver_today(*, user, today: date) -> Route | None:
    """The driver's route of the day, if one is assigned."""
    return route_list(user=user, service_date=today).first()


def manifest_list(*, user) -> QuerySet[Manifest]:
    return scope_to_user(Manifest.objects.all(), user).select_related("station")
