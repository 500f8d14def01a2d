"""Analytics defaults, each overridable by a Django setting of the same name."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # A delivery without a window is on time up to this long after the stop's planned arrival
    # (the same half hour either side the tracking link promises the recipient).
    "ANALYTICS_ETA_TOLERANCE_MINUTES": 30,
    # A stop or area is a recurring problem when at least this many of its last visits failed
    # or were late.
    "ANALYTICS_RECURRING_MIN_BAD": 3,
    "ANALYTICS_RECURRING_LAST_VISITS": 10,
    # ... counted over the range's final days only: a problem is current, and the cost bounded.
    "ANALYTICS_RECURRING_LOOKBACK_DAYS": 28,
    # Areas are square-ish cells of this many degrees of latitude and longitude (~500 m).
    "ANALYTICS_AREA_CELL_DEGREES": "0.005",
    # The longest range the page and the API accept, so every table stays bounded.
    "ANALYTICS_MAX_RANGE_DAYS": 92,
    "ANALYTICS_DEFAULT_WEEKS": 4,
}


def conf(name: str):
    return getattr(settings, name, DEFAULTS[name])
