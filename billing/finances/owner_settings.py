"""The owner's own financial settings."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from billing.models import (
    FinanceSettings,
)
from dsps.models import Dsp


@transaction.atomic
def finance_settings_update(
    *, dsp: Dsp, cash_on_hand: Decimal, reserve_threshold: Decimal
) -> FinanceSettings:
    row, _ = FinanceSettings.objects.get_or_create(dsp=dsp)
    row.cash_on_hand, row.reserve_threshold = cash_on_hand, reserve_threshold
    row.full_clean()
    row.save()
    return row
