"""Requests run on their station's clock."""

from __future__ import annotations

from django.utils import timezone

from dsps.tenancy import membership_of


class StationTimeMiddleware:
    """A DSP member's request runs in their station's zone, so every `|time`, `|date` and
    `timezone.localtime` on their pages shows the station's local time whatever the server's
    zone. Staff, who see many stations, keep the program's zone; pages about one station pass
    that station's zone explicitly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = membership_of(getattr(request, "user", None))
        if membership is not None and membership.dsp_id is not None:
            timezone.activate(membership.dsp.station.tz)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
