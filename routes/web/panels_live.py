"""Live panels: the driver's link to their live page and unread messages; the dispatcher's
count of routes behind pace."""

from dsps.home import register_panel
from dsps.models import DSP_MANAGER_ROLES, Role
from routes.day.messages import unread_counts
from routes.live.progress import live_board, route_active_for_driver
from routes.selectors import user_today


@register_panel(
    name="driver_live", roles=[Role.DRIVER], template="routes/live_panel_driver.html", order=11
)
def driver_live_panel(request) -> dict:
    route = route_active_for_driver(user=request.user)
    unread = unread_counts(user=request.user, routes=[route]).get(route.pk, 0) if route else 0
    return {"route": route, "unread": unread}


@register_panel(
    name="live_board", roles=DSP_MANAGER_ROLES, template="routes/live_panel_board.html", order=11
)
def live_board_panel(request) -> dict:
    board = live_board(user=request.user, service_date=user_today(request.user))
    unread = unread_counts(user=request.user, routes=[b.route for b in board])
    return {
        "out": len(board),
        "behind": sum(1 for b in board if b.behind_pace),
        "unread": sum(unread.values()),
    }
