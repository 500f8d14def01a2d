"""The fleet's panels: vans, today's inspections and alerts for managers; a driver's DVIC."""

from dsps.home import register_panel
from dsps.models import DSP_MANAGER_ROLES, Role

from .selectors import fleet_alerts, inspections_today, vehicle_status_counts


@register_panel(name="fleet", roles=DSP_MANAGER_ROLES, template="fleet/panel_home.html", order=20)
def fleet_panel(request) -> dict:
    today = inspections_today(user=request.user)
    return {
        "vehicle_counts": vehicle_status_counts(user=request.user),
        "inspections_done": today["done"],
        "inspections_missing": today["missing"],
        "alerts": fleet_alerts(user=request.user),
    }


@register_panel(
    name="driver_inspection", roles=[Role.DRIVER], template="fleet/panel_driver.html", order=5
)
def driver_inspection_panel(request) -> dict:
    return {}
