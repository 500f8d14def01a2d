"""The owner's home-page panel: the program's latest actions against their DSP."""

from dsps.home import register_panel
from dsps.models import Role

from .selectors import action_open_for_home, offboarding_list


@register_panel(
    name="compliance", roles=[Role.OWNER], template="compliance/panel_actions.html", order=3
)
def compliance_panel(request) -> dict:
    return {
        "actions": action_open_for_home(user=request.user),
        "offboarding": offboarding_list(user=request.user).first(),
    }
