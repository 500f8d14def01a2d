"""Planning defaults, each overridable by a Django setting of the same name."""

from __future__ import annotations

import os

from django.conf import settings

DEFAULTS = {
    # Rows farther than this from the station are refused at import.
    "ROUTES_MAX_STOP_DISTANCE_KM": 80,
    # Packages at the same address closer than this merge into one stop.
    "ROUTES_STOP_MERGE_METRES": 15,
    "ROUTES_DEFAULT_SERVICE_S": 120,
    "ROUTES_MAX_MANIFEST_BYTES": 20 * 1024 * 1024,
    "ROUTES_MAX_SHIFT_S": 10 * 3600,
    "ROUTES_CIRCUITY": 1.3,
    "ROUTES_SPEED_KMH": 30.0,
    # Cents the plan pays for leaving a normal stop out (high priority: a thousand times more).
    "ROUTES_DROP_PENALTY": 100_000,
    "ROUTES_BALANCE_WEIGHT": 0,
    "ROUTES_DRIVER_HOURLY": "21.00",
    # A route without a van yet is planned as this kind of van carrying this many packages.
    "ROUTES_DEFAULT_VEHICLE_KIND": "cargo_van",
    "ROUTES_DEFAULT_CAPACITY": 300,
    # Energy use, fuel and CO2 by vehicle kind, until fleet offers carry their own figures.
    # energy per km in `unit`; the fuel's price is `ENERGY_PRICES`; co2 kg per unit; wear per km.
    "ROUTES_VEHICLE_PROFILES": {
        "cargo_van": {
            "unit": "l",
            "per_km": "0.14",
            "energy": "gasoline",
            "co2": "2.31",
            "wear": "0.12",
        },
        "step_van": {
            "unit": "l",
            "per_km": "0.22",
            "energy": "diesel",
            "co2": "2.68",
            "wear": "0.18",
        },
        "electric_van": {
            "unit": "kWh",
            "per_km": "0.30",
            "energy": "electric",
            "co2": "0.39",
            "wear": "0.08",
        },
    },
    "ROUTES_STOPS_PER_PART": 800,
    # Seconds a running solve may go without its heartbeat (written every second while it
    # searches) before the sweep fails it: its worker is gone, whichever broker is used.
    "ROUTES_PLAN_HEARTBEAT_TIMEOUT_S": 120,
    # Share of an electric van's range no plan may use (cold days, detours), in percent.
    "ROUTES_EV_RESERVE_PERCENT": 15,
    # Worker processes on the optimize queue a plan run may count on (one per core here).
    "ROUTES_OPTIMIZE_WORKERS": int(
        os.environ.get("ROUTES_OPTIMIZE_WORKERS") or os.cpu_count() or 1
    ),
    # Stops per group of neighbouring routes re-solved in each round of a big day.
    "ROUTES_GROUP_STOPS": 500,
    # Stops per area of a big day's start (areas are solved side by side, then the rounds).
    "ROUTES_START_PART_STOPS": 750,
    # The queue a round's groups are sent to (the workers that solve them consume it).
    "ROUTES_GROUP_QUEUE": "optimize",
    # Above this many stops a day is started per area, never with one day-wide matrix.
    "ROUTES_WHOLE_DAY_MAX": 4000,
    # Seconds of search a re-plan after a disruption gets (it runs on the optimize queue).
    "ROUTES_REPLAN_TIME_LIMIT_S": 5,
    # Seconds two drivers need to hand packages over at a rescue's meeting point.
    "ROUTES_HANDOVER_S": 600,
    # Where recipients' tracking links point, and how texts to recipients are sent.
    "ROUTES_PUBLIC_URL": "http://localhost:8000",
    "ROUTES_SMS_BACKEND": "routes.day.sms.OutboxSmsBackend",
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
