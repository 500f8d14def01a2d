"""Home panel: a DSP's managers see the peak lease offers the program made them."""

from dsps.home import register_panel
from dsps.models import DSP_MANAGER_ROLES
from dsps.tenancy import dsp_of

from .selectors import peak_offers_open


@register_panel(
    name="peak_offers", roles=DSP_MANAGER_ROLES, template="network/panel_peak.html", order=25
)
def peak_offers_panel(request) -> dict:
    dsp = dsp_of(request.user)
    return {"peak_offers": peak_offers_open(user=request.user, on=dsp.station.today())}
