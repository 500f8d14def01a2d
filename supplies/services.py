"""Supplies writes: staff keep the catalogue and move orders along; owners place orders."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from drivers.models import Driver
from dsps.models import Dsp
from dsps.services import audit_record
from dsps.tenancy import ORDER, require_dsp_power

from .models import CatalogItem, Order, OrderLine

MAX_QUANTITY = 500
ITEM_FIELDS = ("kind", "name", "description", "contents", "sizes", "partner", "unit", "price")


@dataclass
class LineInput:
    """One requested line as the caller parsed it (ids, not rows: the service checks them)."""

    item_id: int | None
    quantity: int | None
    size: str = ""
    driver_id: int | None = None


def clean_sizes(value) -> list[str]:
    """'S, M, L' or ['S', 'M'] → ['S', 'M', 'L'] (trimmed, upper-case, no repeats)."""
    parts = value.split(",") if isinstance(value, str) else list(value or [])
    out: list[str] = []
    for part in parts:
        size = str(part).strip().upper()
        if size and size not in out:
            out.append(size)
    return out


@transaction.atomic
def catalog_item_save(*, by, item: CatalogItem | None = None, published: bool, **fields):
    """Create or edit a catalogue item; publishing or withdrawing one is audited."""
    item = item or CatalogItem()
    was_published = item.published if item.pk else False
    for name in ITEM_FIELDS:
        if name in fields:
            setattr(item, name, fields[name])
    item.sizes = clean_sizes(item.sizes)
    item.published = published
    if item.kind != CatalogItem.Kind.UNIFORM and item.sizes:
        raise ValidationError({"sizes": "Only uniforms come in sizes."})
    item.full_clean()
    item.save()
    if published != was_published:
        audit_record(
            actor=by,
            verb="catalog_item.published" if published else "catalog_item.withdrawn",
            target=item,
            data={"price": str(item.price), "sizes": item.sizes},
        )
    return item


@transaction.atomic
def order_place(*, dsp: Dsp, by, lines: list[LineInput], note: str = "") -> Order:
    """Validate every line (published item, size offered, quantity, the DSP's own driver),
    then write the order and its lines at today's program prices, all or nothing."""
    require_dsp_power(dsp, ORDER)
    if not lines:
        raise ValidationError({"lines": "Add at least one line."})
    items = CatalogItem.objects.in_bulk([ln.item_id for ln in lines if ln.item_id])
    drivers = Driver.objects.filter(dsp=dsp).in_bulk([ln.driver_id for ln in lines if ln.driver_id])
    errors: list[str] = []
    rows: list[OrderLine] = []
    for number, line in enumerate(lines, start=1):
        item = items.get(line.item_id) if line.item_id else None
        size = (line.size or "").strip().upper()
        if item is None:
            errors.append(f"Line {number}, item: pick an item from the catalogue.")
            continue
        if not item.published:
            errors.append(f"Line {number}, item: {item.name} is not offered in the catalogue.")
            continue
        if line.quantity is None or line.quantity <= 0:
            errors.append(f"Line {number}, quantity: order at least 1.")
        elif line.quantity > MAX_QUANTITY:
            errors.append(f"Line {number}, quantity: at most {MAX_QUANTITY} per line.")
        if item.sizes:
            if not size:
                errors.append(
                    f"Line {number}, size: pick a size of {item.name} ({', '.join(item.sizes)})."
                )
            elif size not in item.sizes:
                errors.append(
                    f"Line {number}, size: {size} is not offered for {item.name} "
                    f"(offered: {', '.join(item.sizes)})."
                )
        elif size:
            errors.append(f"Line {number}, size: {item.name} does not come in sizes.")
        driver = None
        if line.driver_id:
            driver = drivers.get(line.driver_id)
            if driver is None:
                errors.append(f"Line {number}, driver: not one of your drivers.")
        if line.quantity and line.quantity > 0:
            rows.append(
                OrderLine(
                    item=item,
                    driver=driver,
                    size=size,
                    quantity=line.quantity,
                    unit_price=item.price,
                    amount=(item.price * line.quantity).quantize(Decimal("0.01")),
                )
            )
    note = (note or "").strip()
    if len(note) > 300:
        errors.append("Note: keep it under 300 characters.")
    if errors:
        raise ValidationError({"lines": errors})
    order = Order.objects.create(
        dsp=dsp,
        placed_by=by,
        placed_on=dsp.station.today(),
        note=note,
        total=sum((r.amount for r in rows), Decimal(0)),
    )
    for row in rows:
        row.order = order
    OrderLine.objects.bulk_create(rows)
    return order


@transaction.atomic
def order_status_set(*, order: Order, status: str, by, reason: str = "") -> Order:
    """Program staff move an order to its next status (audited)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    allowed = Order.NEXT[order.status]
    if status not in allowed:
        names = ", ".join(Order.Status(s).label.lower() for s in allowed) or "nothing"
        raise ValidationError(
            {
                "status": f"A {order.get_status_display().lower()} order can move to {names}, "
                f"not {status or 'an empty status'}."
            }
        )
    before = order.status
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=by,
        verb=f"supply_order.{status}",
        target=order,
        dsp=order.dsp,
        reason=reason,
        data={"from": before, "total": str(order.total)},
    )
    return order
