"""Money for the whole project: amounts are `Decimal` dollars, rounded half up to the cent
here and nowhere else, and shown with thousands separators and a true minus sign
(`−$11,165.67`). Templates use the `money` filter (`nextmile.money_filters`)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MINUS = "\u2212"


def cents(value) -> Decimal:
    """An amount rounded half up to the cent (`None` counts as nothing)."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value) if isinstance(value, float) else value).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def format_money(value, *, places: int = 2) -> str:
    """`$1,234.50`, `−$11,165.67`; `places` 0 for whole dollars; a negative `places` keeps up
    to that many decimals, at least the cents (a rate per package: `$0.075`, `$0.10`). Not a
    number: shown as is."""
    try:
        amount = Decimal(str(value) if isinstance(value, float) else value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if places < 0:
        exact = amount.quantize(Decimal(1).scaleb(places), rounding=ROUND_HALF_UP).normalize()
        places = max(2, -exact.as_tuple().exponent)
    amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = MINUS if amount < 0 else ""
    return f"{sign}${abs(amount):,.{places}f}"
