"""The day a routes page is about."""

from datetime import date

from ..selectors import user_today


def requested_day(request) -> date:
    """The `date` the page was asked for (query or form), else today at the user's station."""
    try:
        return date.fromisoformat(request.GET.get("date") or request.POST.get("date", ""))
    except ValueError:
        return user_today(request.user)
