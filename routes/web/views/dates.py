"""The day a routes page is about."""

from datetime import date

from nextmile.dates import parse_day
from routes.selectors import user_today


def requested_day(request) -> date:
    """The `date` the page was asked for (query or form), else today at the user's station."""
    raw = request.GET.get("date") or request.POST.get("date", "")
    return parse_day(raw, default=None) or user_today(request.user)
