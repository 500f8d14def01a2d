"""Supplies demo: the program's resources catalogue (uniform kits by size, equipment, partner
services, one item not yet published) and a delivered order of Lone Star's from last week, so
its P&L shows a supplies line and two recent hires are still suggested a uniform kit.

Idempotent: items by name; the order is written once.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from dsps.models import Membership, Role

from .models import CatalogItem, Order
from .services import LineInput, order_place

UNIFORM, EQUIPMENT, SERVICE = (
    CatalogItem.Kind.UNIFORM,
    CatalogItem.Kind.EQUIPMENT,
    CatalogItem.Kind.SERVICE,
)
ITEMS = [
    # kind, name, contents, sizes, partner, unit, price, published
    (
        UNIFORM,
        "Driver uniform kit",
        "2 shirts, rain jacket, cap",
        "S M L XL XXL",
        "",
        "kit",
        "89.00",
        True,
    ),
    (UNIFORM, "Winter layer", "fleece, beanie, gloves", "S M L XL", "", "kit", "64.50", True),
    (EQUIPMENT, "Rugged phone", "", "", "", "each", "249.00", True),
    (EQUIPMENT, "Handheld scanner", "", "", "", "each", "189.00", True),
    (EQUIPMENT, "Folding hand truck", "", "", "", "each", "74.00", True),
    (EQUIPMENT, "Safety vest (hi-vis)", "", "", "", "each", "9.50", True),
    (
        SERVICE,
        "Commercial auto insurance offer",
        "",
        "",
        "Lone Prairie Mutual",
        "per van per month",
        "412.00",
        True,
    ),
    (SERVICE, "Payroll service", "", "", "Paycircle", "per driver per month", "6.00", True),
    (
        SERVICE,
        "Van maintenance discount plan",
        "",
        "",
        "FleetCare Garages",
        "per month",
        "35.00",
        True,
    ),
    (EQUIPMENT, "Dash camera", "", "", "", "each", "129.00", False),
]


def seed(world: dict) -> None:
    for kind, name, contents, sizes, partner, unit, price, published in ITEMS:
        CatalogItem.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "contents": contents,
                "sizes": sizes.split(),
                "partner": partner,
                "unit": unit,
                "price": Decimal(price),
                "published": published,
                "description": f"Program price for partner DSPs, {unit}.",
            },
        )
    dsp = world.get("active_dsp")
    owner = Membership.objects.filter(dsp=dsp, role=Role.OWNER).select_related("user").first()
    if dsp is None or owner is None or Order.objects.filter(dsp=dsp).exists():
        return
    kit = CatalogItem.objects.get(name="Driver uniform kit")
    vest = CatalogItem.objects.get(name="Safety vest (hi-vis)")
    # Two longer-serving drivers got kits last week; the newest hires are still suggested.
    hires = list(dsp.drivers.filter(status="active").order_by("-hired_on")[2:4])
    lines = [LineInput(item_id=kit.pk, quantity=1, size="M", driver_id=d.pk) for d in hires]
    lines.append(LineInput(item_id=vest.pk, quantity=10))
    order = order_place(dsp=dsp, by=owner.user, lines=lines, note="Kits for new hires")
    Order.objects.filter(pk=order.pk).update(
        placed_on=dsp.station.today() - timedelta(days=7), status=Order.Status.DELIVERED
    )
