"""Drivers' panels on the home pages: the roster for DSP managers, training for a driver."""

from dsps.home import register_panel
from dsps.models import DSP_MANAGER_ROLES, Role

from .selectors import (
    assignable_for_user,
    driver_for_user,
    driver_status_counts,
    jobs_created,
    licence_alerts,
    modules_to_do,
    today_for,
)


@register_panel(
    name="drivers", roles=DSP_MANAGER_ROLES, template="drivers/panel_home.html", order=30
)
def drivers_panel(request) -> dict:
    today = today_for(request.user)
    return {
        "driver_counts": driver_status_counts(user=request.user),
        "assignable_today": assignable_for_user(user=request.user, on=today).count(),
        "licence_alerts": list(licence_alerts(user=request.user, on=today)[:5]),
        "today": today,
    }


@register_panel(
    name="driver_training", roles=[Role.DRIVER], template="drivers/panel_driver.html", order=20
)
def driver_training_panel(request) -> dict:
    driver = driver_for_user(user=request.user)
    if driver is None:
        return {"driver": None, "to_do": []}
    return {"driver": driver, "to_do": modules_to_do(driver=driver, on=driver.dsp.station.today())}


@register_panel(
    name="jobs_created", roles=[Role.PROGRAM_STAFF], template="drivers/panel_jobs.html", order=30
)
def jobs_created_panel(request) -> dict:
    return {"jobs": jobs_created(user=request.user, on=today_for(request.user))}
