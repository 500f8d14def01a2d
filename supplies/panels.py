"""Supplies' home panel: the owner's new hires who have no uniform yet."""

from dsps.home import register_panel
from dsps.models import Role
from dsps.tenancy import dsp_for_write

from .selectors import uniform_suggestions


@register_panel(name="supplies", roles=[Role.OWNER], template="supplies/panel_owner.html", order=70)
def supplies_panel(request) -> dict:
    dsp = dsp_for_write(request.user)
    return {"new_hires": uniform_suggestions(dsp=dsp, today=dsp.station.today())}
