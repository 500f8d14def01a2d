"""The fleet's panel on the DSP home page."""

from dsps.home import register_panel
from dsps.models import DSP_MANAGER_ROLES

from .selectors import vehicle_status_counts


@register_panel(name="fleet", roles=DSP_MANAGER_ROLES, template="fleet/panel_home.html", order=20)
def fleet_panel(request) -> dict:
    return {"vehicle_counts": vehicle_status_counts(user=request.user)}
