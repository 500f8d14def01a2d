"""Routes' panels: today's routes for a DSP, the network's day for staff, a driver's route."""

from dsps.home import register_panel
from dsps.models import DSP_MANAGER_ROLES, Role
from routes.selectors import manifest_list, route_for_driver_today, route_list, user_today


@register_panel(
    name="routes_today", roles=DSP_MANAGER_ROLES, template="routes/panel_today.html", order=10
)
def routes_today_panel(request) -> dict:
    today = user_today(request.user)
    return {"today": today, "routes": list(route_list(user=request.user, service_date=today))}


@register_panel(
    name="driver_route", roles=[Role.DRIVER], template="routes/panel_driver.html", order=10
)
def driver_route_panel(request) -> dict:
    today = user_today(request.user)
    return {"today": today, "route": route_for_driver_today(user=request.user, today=today)}


@register_panel(
    name="manifests", roles=[Role.PROGRAM_STAFF], template="routes/panel_manifests.html", order=20
)
def manifests_panel(request) -> dict:
    return {"manifests": list(manifest_list(user=request.user)[:7])}
