"""The day's routes as CSV: one row per stop, times in the station's zone. The page and the
API both download this file."""

from __future__ import annotations

from datetime import date

from nextmile import csvsafe
from routes.models import RouteStop
from routes.selectors import route_list

EXPORT_COLUMNS = [
    "route",
    "dsp",
    "sequence",
    "address",
    "latitude",
    "longitude",
    "packages",
    "planned_arrival",
    "window_start",
    "window_end",
    "leg_km",
]


def day_export_filename(service_date: date) -> str:
    return f"routes-{service_date}.csv"


def day_export_write(out, *, user, service_date: date) -> None:
    """Write the routes `user` may see on `service_date` into the text stream `out`."""
    writer = csvsafe.writer(out)  # addresses and names are user text
    writer.writerow(EXPORT_COLUMNS)
    rows = (
        RouteStop.objects.filter(route__in=route_list(user=user, service_date=service_date))
        .select_related("route__dsp", "stop", "route__station")
        .order_by("route__code", "route__dsp__name", "sequence")
    )
    for rs in rows.iterator(chunk_size=2000):
        stop, tz = rs.stop, rs.route.station.tz
        writer.writerow(
            [
                rs.route.code,
                rs.route.dsp.name,
                rs.sequence,
                stop.address,
                stop.latitude,
                stop.longitude,
                stop.package_count,
                rs.planned_arrival.astimezone(tz).strftime("%H:%M"),
                f"{stop.window_start:%H:%M}" if stop.window_start else "",
                f"{stop.window_end:%H:%M}" if stop.window_end else "",
                f"{rs.leg_distance_m / 1000:.2f}",
            ]
        )
