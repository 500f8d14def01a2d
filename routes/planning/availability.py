"""The one door through which planning learns which vans and drivers a DSP has on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from drivers.selectors import drivers_assignable
from dsps.models import Dsp
from fleet.models import Vehicle
from fleet.selectors import vehicles_available
from routes.models import Route


@dataclass(frozen=True)
class Availability:
    vehicles: list[Vehicle]
    driver_count: int

    @property
    def route_count(self) -> int:
        """A route needs a van and a driver: the smaller of the two bounds the day."""
        return min(len(self.vehicles), self.driver_count)


def availability_for(*, dsp: Dsp, on: date) -> Availability:
    """Vans and drivers `dsp` can plan with on `on`, minus those already on a non-draft route."""
    committed = Route.objects.filter(dsp=dsp, service_date=on).exclude(status=Route.Status.DRAFT)
    busy_vehicles = set(committed.exclude(vehicle=None).values_list("vehicle_id", flat=True))
    busy_drivers = set(committed.exclude(driver=None).values_list("driver_id", flat=True))
    vehicles = [v for v in vehicles_available(dsp=dsp, on=on) if v.pk not in busy_vehicles]
    drivers = [d for d in drivers_assignable(dsp=dsp, on=on) if d.pk not in busy_drivers]
    return Availability(vehicles=vehicles, driver_count=len(drivers))
