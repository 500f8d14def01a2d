"""Market demand assessment of a territory: the volume a (prospective) DSP would deliver there.

Reads the station's manifests: packages whose coordinates fall inside the territory's polygon.
Only aggregate counts leave this module, never a package, so a DSP looking at an open territory
learns the demand there and nothing about another DSP's deliveries.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone

from dsps.geometry import area_km2, contains, polygon_from_geojson
from dsps.models import Territory
from routes.models import Package

# A route-day runs every day of the week; a driver works five of them.
DRIVER_DAYS_PER_WEEK = 5
ROUTE_DAYS_PER_WEEK = 7


@dataclass
class TerritoryDay:
    """Packages and distinct stops one territory saw on one day (its market history; the
    DSP's planned day with routes is `projection.DayVolume`)."""

    day: date
    packages: int
    stops: int


@dataclass
class MarketAssessment:
    territory: Territory
    weeks: int
    start: date
    end: date
    area_km2: float
    stops_per_route: int
    route_rate: Decimal
    package_rate: Decimal
    days: list[TerritoryDay] = field(default_factory=list)

    @property
    def has_history(self) -> bool:
        return bool(self.days)

    @property
    def avg_packages(self) -> float:
        return sum(d.packages for d in self.days) / len(self.days) if self.days else 0.0

    @property
    def avg_stops(self) -> float:
        return sum(d.stops for d in self.days) / len(self.days) if self.days else 0.0

    @property
    def peak_stops(self) -> int:
        return max((d.stops for d in self.days), default=0)

    @property
    def stop_density(self) -> float:
        """Average daily stops per km² of the territory."""
        return self.avg_stops / self.area_km2 if self.area_km2 else 0.0

    @property
    def routes_per_day(self) -> int:
        return math.ceil(self.avg_stops / self.stops_per_route) if self.avg_stops else 0

    @property
    def vans_needed(self) -> int:
        """One van per daily route; the peak day decides, not the average."""
        return math.ceil(self.peak_stops / self.stops_per_route) if self.peak_stops else 0

    @property
    def drivers_needed(self) -> int:
        return math.ceil(self.routes_per_day * ROUTE_DAYS_PER_WEEK / DRIVER_DAYS_PER_WEEK)

    @property
    def weekly_revenue(self) -> Decimal:
        routes = Decimal(self.routes_per_day * ROUTE_DAYS_PER_WEEK)
        packages = Decimal(str(self.avg_packages)) * ROUTE_DAYS_PER_WEEK
        total = routes * self.route_rate + packages * self.package_rate
        return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def market_assessment(
    *, territory: Territory, weeks: int = 4, today: date | None = None
) -> MarketAssessment:
    """Daily packages and stops (distinct addresses) inside `territory` over the last `weeks`
    weeks, up to and including `today`, and what that volume needs and would pay."""
    today = today or timezone.localdate()
    start = today - timedelta(days=7 * weeks - 1)
    polygon = polygon_from_geojson(territory.boundary)
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    rates = settings.PROGRAM_DEFAULT_RATES
    assessment = MarketAssessment(
        territory=territory,
        weeks=weeks,
        start=start,
        end=today,
        area_km2=area_km2(polygon),
        stops_per_route=settings.PROGRAM_STOPS_PER_ROUTE,
        route_rate=Decimal(rates["route"]),
        package_rate=Decimal(rates["package"]),
    )
    rows = (
        Package.objects.filter(
            manifest__station_id=territory.station_id,
            manifest__service_date__range=(start, today),
            latitude__range=(min_lat, max_lat),
            longitude__range=(min_lon, max_lon),
        )
        .values_list("manifest__service_date", "address", "latitude", "longitude")
        .iterator(chunk_size=2000)
    )
    packages: dict[date, int] = defaultdict(int)
    stops: dict[date, set] = defaultdict(set)
    for day, address, lat, lon in rows:
        if contains(polygon, float(lat), float(lon)):
            packages[day] += 1
            stops[day].add(address.strip().lower())
    assessment.days = [
        TerritoryDay(day=day, packages=packages[day], stops=len(stops[day]))
        for day in sorted(packages)
    ]
    return assessment
