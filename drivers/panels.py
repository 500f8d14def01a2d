"""The drivers' panel on the DSP home page."""

from dsps.home import register_panel
from dsps.models import DSP_MANAGER_ROLES

from .selectors import driver_status_counts


@register_panel(
    name="drivers", roles=DSP_MANAGER_ROLES, template="drivers/panel_home.html", order=30
)
def drivers_panel(request) -> dict:
    return {"driver_counts": driver_status_counts(user=request.user)}
