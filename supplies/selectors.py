"""Supplies reads, scoped to the caller."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet, Sum

from drivers.models import Driver
from dsps.models import Dsp
from dsps.tenancy import is_program_staff, scope_to_user

from .models import CatalogItem, Order, OrderLine

# A driver hired this many days ago or less counts as a new hire for uniform suggestions.
NEW_HIRE_DAYS = 60


def catalog_list(*, user, kind: str | None = None) -> QuerySet[CatalogItem]:
    """The catalogue: all items for program staff, published ones for everyone else."""
    items = scope_to_user(CatalogItem.objects.all(), user)
    if not is_program_staff(user):
        items = items.filter(published=True)
    if kind:
        items = items.filter(kind=kind)
    return items.order_by("kind", "name")


def order_list(*, user, status: str | None = None) -> QuerySet[Order]:
    orders = scope_to_user(Order.objects.all(), user).select_related("dsp", "placed_by")
    if status:
        orders = orders.filter(status=status)
    return orders.order_by("-placed_on", "-id")


def order_lines(*, order: Order) -> list[OrderLine]:
    """The lines of an order the caller already may see."""
    return list(order.lines.select_related("item", "driver").order_by("id"))


def order_drivers(*, dsp: Dsp) -> QuerySet[Driver]:
    """The DSP's active drivers an order line may name."""
    return Driver.objects.filter(dsp=dsp, status=Driver.Status.ACTIVE).order_by(
        "last_name", "first_name"
    )


def uniform_suggestions(*, dsp: Dsp, today: date) -> list[Driver]:
    """Active drivers hired in the last `NEW_HIRE_DAYS` days with no uniform ordered yet
    (cancelled orders do not count)."""
    ordered = OrderLine.objects.filter(
        driver=OuterRef("pk"), item__kind=CatalogItem.Kind.UNIFORM
    ).exclude(order__status=Order.Status.CANCELLED)
    return list(
        Driver.objects.filter(
            dsp=dsp,
            status=Driver.Status.ACTIVE,
            hired_on__gte=today - timedelta(days=NEW_HIRE_DAYS),
            hired_on__lte=today,
        )
        .exclude(Exists(ordered))
        .order_by("-hired_on", "last_name", "first_name")
    )


def supplies_cost(*, dsp: Dsp, start: date, end: date) -> Decimal:
    """What the DSP's orders placed start..end cost (cancelled orders excluded): an expense
    line of its P&L."""
    total = (
        Order.objects.filter(dsp=dsp, placed_on__range=(start, end))
        .exclude(status=Order.Status.CANCELLED)
        .aggregate(total=Sum("total"))["total"]
    )
    return (total or Decimal(0)).quantize(Decimal("0.01"))
