"""The tenant root's own home-page panels and onboarding checklist items."""

from .home import register_panel
from .models import DSP_MANAGER_ROLES, DspApplication, Role
from .onboarding import checklist_for, register_item
from .selectors import application_of_user, network_overview
from .tenancy import dsp_of


@register_panel(
    name="network", roles=[Role.PROGRAM_STAFF], template="dsps/panel_network.html", order=10
)
def network_panel(request) -> dict:
    return network_overview(user=request.user)


@register_panel(
    name="onboarding", roles=DSP_MANAGER_ROLES, template="dsps/panel_onboarding.html", order=5
)
def onboarding_panel(request) -> dict:
    """Applying DSPs see their application; active ones their onboarding checklist."""
    dsp = dsp_of(request.user)
    application = application_of_user(user=request.user)
    items = checklist_for(dsp) if dsp.is_active else []
    done = sum(1 for i in items if i["done"])
    return {
        "application": application,
        "items": items,
        "done": done,
        "total": len(items),
        "percent": round(100 * done / len(items)) if items else 0,
    }


@register_panel(name="dsp", roles=DSP_MANAGER_ROLES, template="dsps/panel_dsp.html", order=90)
def dsp_panel(request) -> dict:
    return {}


@register_item(
    key="documents_verified",
    label="Documents verified",
    hint="The program team checks your insurance certificate and business registration.",
    order=10,
    url_name="dsps:application-mine",
)
def documents_verified(dsp) -> bool:
    return DspApplication.objects.filter(dsp=dsp, documents_verified_at__isnull=False).exists()
