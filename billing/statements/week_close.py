"""What the beat job does for one DSP; idempotent because the services are."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from billing.models import RateCard
from billing.scorecards.generate import scorecard_generate
from billing.statements.lifecycle import statement_generate
from dsps.calendar import last_closed_week
from dsps.models import Dsp


def week_close_for_dsp(*, dsp_id: int, week_start: str | None = None) -> None:
    """The scorecard and draft statement of the DSP's last closed week (or `week_start`).
    Without rates at the station only the scorecard is made."""
    dsp = Dsp.objects.select_related("station").get(pk=dsp_id)
    week = date.fromisoformat(week_start) if week_start else last_closed_week(dsp.station)
    if not RateCard.objects.filter(station=dsp.station, effective_from__lte=week).exists():
        scorecard_generate(dsp=dsp, week_start=week)
        return
    try:
        statement_generate(dsp=dsp, week_start=week)
    except ValidationError:
        scorecard_generate(dsp=dsp, week_start=week)
