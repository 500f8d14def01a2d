"""The one parser for a day a user typed (query string, form or API field).

Dates far outside the program's life (`0001-01-01`, `9999-12-31`) parse in Python but overflow
as soon as a page adds a week to them, so every parser here refuses them with a field message.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from rest_framework import serializers

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
_UNSET = object()


class DateOutOfRange(ValidationError):
    """A well-formed day outside FIRST_DAY..LAST_DAY; pages answer it with a 400."""


def out_of_range_message() -> str:
    return f"Give a date between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}."


def day_check(value: date, *, field: str = "date") -> date:
    """`value` itself, or `DateOutOfRange` naming `field` when it is outside the program's life."""
    if not (FIRST_DAY <= value <= LAST_DAY):
        raise DateOutOfRange({field: out_of_range_message()})
    return value


def parse_day(raw, *, field: str = "date", default=_UNSET) -> date | None:
    """The day `raw` (YYYY-MM-DD) names. Empty gives `default` (else None); a malformed value
    gives `default` when one is passed, else a `ValidationError` naming `field`; a day out of
    range always gives `DateOutOfRange`."""
    if isinstance(raw, date):
        return day_check(raw, field=field)
    if raw in (None, ""):
        return None if default is _UNSET else default
    try:
        value = date.fromisoformat(str(raw))
    except ValueError:
        if default is not _UNSET:
            return default
        raise ValidationError({field: "Give the date as YYYY-MM-DD."}) from None
    return day_check(value, field=field)


class DayField(serializers.DateField):
    """An API date limited to the program's life, so no endpoint overflows on 9999-12-31."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not (FIRST_DAY <= day <= LAST_DAY):
            raise serializers.ValidationError(out_of_range_message())
        return day


class DateOutOfRangeMiddleware:
    """Answer a page whose `?date=` or `?week=` is out of range with a 400 and the message,
    rather than the 500 the uncaught `DateOutOfRange` would give."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DateOutOfRange):
            return HttpResponseBadRequest(
                " ".join(m for ms in exception.message_dict.values() for m in ms),
                content_type="text/plain; charset=utf-8",
            )
        return None
