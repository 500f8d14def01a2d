"""Reads of drivers, already scoped to the caller."""

from django.db.models import Count, QuerySet

from dsps.tenancy import scope_to_user

from .models import Driver


def driver_list(*, user, status: str | None = None) -> QuerySet[Driver]:
    qs = scope_to_user(Driver.objects.all(), user).select_related("dsp", "user")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("last_name", "first_name")


def driver_status_counts(*, user) -> dict[str, int]:
    counts = dict(
        scope_to_user(Driver.objects.all(), user)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {label: counts.get(value, 0) for value, label in Driver.Status.choices}


# Placeholder until the fleet/drivers issue lands.
def drivers_assignable(*, dsp, on) -> QuerySet[Driver]:
    """Drivers of `dsp` who may drive on `on` (placeholder: active with a valid licence)."""
    return Driver.objects.filter(
        dsp=dsp, status=Driver.Status.ACTIVE, licence_expires_on__gte=on
    ).order_by("last_name", "first_name")
