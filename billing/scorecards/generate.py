"""The weekly scorecard of a DSP, stored."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from billing.models import (
    Scorecard,
)
from billing.scorecards.metrics import scorecard_compute
from dsps.models import Dsp


@transaction.atomic
def scorecard_generate(*, dsp: Dsp, week_start: date) -> Scorecard:
    """Compute and store the DSP's scorecard for the week; calling it again refreshes it."""
    card = scorecard_compute(dsp=dsp, week_start=week_start)
    row, _ = Scorecard.objects.update_or_create(
        dsp=dsp,
        week_start=week_start,
        defaults={
            "metrics": card["metrics"] | {"failed_by_reason": card["failed_by_reason"]},
            "tier": card["tier"],
            "capped": card["capped"],
            "routes": card["routes"],
            "delivered": card["delivered"],
        },
    )
    return row
