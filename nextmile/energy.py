"""Energy prices: one setting, `ENERGY_PRICES` (dollars per litre or kWh by fuel), read by the
planner's route estimates and by billing's energy costs alike."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def energy_prices() -> dict[str, Decimal]:
    """Price per unit by fuel (`diesel`, `gasoline`, `electric`)."""
    return {kind: Decimal(str(price)) for kind, price in settings.ENERGY_PRICES.items()}


def energy_price(kind: str) -> Decimal:
    """Price per unit of one fuel; an unknown fuel costs nothing rather than guessing."""
    return energy_prices().get(kind, Decimal(0))
