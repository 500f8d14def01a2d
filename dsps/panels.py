"""The tenant root's own home-page panels."""

from .home import register_panel
from .models import DSP_MANAGER_ROLES, Role
from .selectors import network_overview


@register_panel(
    name="network", roles=[Role.PROGRAM_STAFF], template="dsps/panel_network.html", order=10
)
def network_panel(request) -> dict:
    return network_overview(user=request.user)


@register_panel(name="dsp", roles=DSP_MANAGER_ROLES, template="dsps/panel_dsp.html", order=90)
def dsp_panel(request) -> dict:
    return {}
