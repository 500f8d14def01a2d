"""Supplies forms: a catalogue item (staff) and the parsing of a multi-line order (owners)."""

from __future__ import annotations

from django import forms

from .models import CatalogItem
from .services import LineInput

MAX_FORM_LINES = 40


class CatalogItemForm(forms.Form):
    kind = forms.ChoiceField(choices=CatalogItem.Kind.choices)
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    contents = forms.CharField(
        max_length=200, required=False, help_text="what a kit holds, e.g. shirt, jacket, cap"
    )
    sizes = forms.CharField(
        max_length=200, required=False, help_text="uniforms only, comma-separated: S, M, L, XL"
    )
    partner = forms.CharField(max_length=120, required=False)
    unit = forms.CharField(max_length=40, initial="each", help_text="kit, each, per month…")
    price = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    published = forms.BooleanField(required=False, help_text="owners see published items only")

    @classmethod
    def initial_for(cls, item: CatalogItem) -> dict:
        return {
            "kind": item.kind,
            "name": item.name,
            "description": item.description,
            "contents": item.contents,
            "sizes": ", ".join(item.sizes),
            "partner": item.partner,
            "unit": item.unit,
            "price": item.price,
            "published": item.published,
        }


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def parse_order_lines(data) -> tuple[list[LineInput], list[dict]]:
    """The order form's rows (`item-N`, `quantity-N`, `size-N`, `driver-N`) → lines for the
    service, skipping rows left empty; also the raw rows to show again after an error."""
    lines: list[LineInput] = []
    raw: list[dict] = []
    for n in range(MAX_FORM_LINES):
        row = {
            key: (data.get(f"{key}-{n}") or "").strip()
            for key in ("item", "quantity", "size", "driver")
        }
        if not row["item"] and not row["quantity"]:
            continue
        raw.append(row)
        quantity = row["quantity"]
        lines.append(
            LineInput(
                item_id=_int_or_none(row["item"]),
                # An unreadable quantity counts as 0, which the service refuses by line.
                quantity=_int_or_none(quantity) if quantity.lstrip("-").isdigit() else 0,
                size=row["size"],
                driver_id=_int_or_none(row["driver"]),
            )
        )
    return lines, raw
