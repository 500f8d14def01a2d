"""The page's tables as named columns: one definition for the CSV export and the API."""

from __future__ import annotations

from . import selectors

TABLES = {
    "daily": {
        "title": "Completion and on-time by day",
        "selector": selectors.daily_rates,
        "columns": [
            ("day", "date"),
            ("packages", "packages attempted"),
            ("delivered", "delivered"),
            ("failed", "failed or returned"),
            ("completion", "completion %"),
            ("measured", "deliveries measured for punctuality"),
            ("on_time", "on time"),
            ("on_time_rate", "on-time %"),
        ],
    },
    "recurring-addresses": {
        "title": "Recurring problem addresses",
        "selector": selectors.recurring_addresses,
        "columns": [
            ("address", "address"),
            ("bad", "failed or late visits"),
            ("failed", "failed visits"),
            ("late", "late visits"),
            ("visits", "visits counted"),
            ("last_visit", "last visit"),
            ("latitude", "latitude"),
            ("longitude", "longitude"),
        ],
    },
    "recurring-areas": {
        "title": "Recurring problem areas",
        "selector": selectors.recurring_areas,
        "columns": [
            ("area", "area (south-west corner)"),
            ("bad", "failed or late visits"),
            ("failed", "failed visits"),
            ("late", "late visits"),
            ("visits", "visits counted"),
            ("last_visit", "last visit"),
            ("latitude", "mean latitude"),
            ("longitude", "mean longitude"),
        ],
    },
    "efficiency": {
        "title": "Route efficiency by day",
        "selector": selectors.route_efficiency,
        "columns": [
            ("day", "date"),
            ("routes", "routes"),
            ("stops", "stops done"),
            ("hours", "paid hours"),
            ("stops_per_hour", "stops per hour"),
            ("actual_km", "actual km"),
            ("planned_km", "planned km"),
            ("km_per_stop", "km per stop"),
            ("actual_vs_planned", "actual / planned km %"),
            ("km_source", "actual km from"),
        ],
    },
    "leaderboard": {
        "title": "Driver leaderboard",
        "selector": selectors.driver_leaderboard,
        "columns": [
            ("rank", "rank"),
            ("driver", "driver"),
            ("routes", "routes"),
            ("packages", "packages attempted"),
            ("delivered", "delivered"),
            ("completion", "completion %"),
            ("on_time_rate", "on-time %"),
            ("incidents", "safety incidents"),
            ("incidents_per_100_routes", "incidents per 100 routes"),
        ],
    },
    "cost-per-package": {
        "title": "Cost per package by week",
        "selector": selectors.cost_per_package,
        "columns": [
            ("week_start", "week"),
            ("delivered", "packages delivered"),
            ("total_cost", "total cost"),
            ("revenue", "revenue"),
            ("cost_per_package", "cost per package"),
            ("revenue_per_package", "revenue per package"),
        ],
    },
}


def table_rows(name: str, *, dsp, period) -> list[dict]:
    return TABLES[name]["selector"](dsp=dsp, period=period)
