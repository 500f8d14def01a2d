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


# Placeholder until the fleet/drivers issue lands.
def vehicles_available(*, dsp, on) -> QuerySet[Vehicle]:
    """Vans of `dsp` that can go on the road on `on` (placeholder: status active)."""
    return Vehicle.objects.filter(dsp=dsp, status=Vehicle.Status.ACTIVE).order_by("plate")
