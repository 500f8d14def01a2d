"""Reads of the fleet, already scoped to the caller."""

from django.db.models import Count, QuerySet

from dsps.tenancy import scope_to_user

from .models import Vehicle


def vehicle_list(*, user, status: str | None = None) -> QuerySet[Vehicle]:
    qs = scope_to_user(Vehicle.objects.all(), user).select_related("dsp")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("plate")


def vehicle_status_counts(*, user) -> dict[str, int]:
    counts = dict(
        scope_to_user(Vehicle.objects.all(), user)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {label: counts.get(value, 0) for value, label in Vehicle.Status.choices}
