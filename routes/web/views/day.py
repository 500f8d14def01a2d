"""Day-of-delivery pages: the dispatch board and load-out sheet (dispatchers), the driver's day
and day-before confirmation (phones), and the recipient's public tracking page.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_POST

from drivers.models import Driver
from drivers.selectors import driver_for_user, driver_list, drivers_assignable
from dsps.models import DSP_MANAGER_ROLES, STAFF_AND_MANAGERS, Role
from dsps.tenancy import dsp_of, get_for_user_or_404, role_required
from fleet.models import Vehicle
from fleet.selectors import vehicle_list
from routes.day.assignment import (
    assignment_suggestions,
    assignment_suggestions_apply,
    day_confirmation_answer,
    load_out_sheet,
    route_assign,
    route_unassign,
    routes_at_risk,
)
from routes.day.deliveries import FAIL_REASONS, driver_stops, remaining_in
from routes.day.messages import unread_counts
from routes.day.outbox import late_actions_by_route, route_close
from routes.day.tracking import (
    route_tracking_links,
    tracking_link_resend,
    tracking_notice_counts,
    tracking_status,
)
from routes.live.progress import ACTIVE, route_live, stop_eta
from routes.models import (
    DayConfirmation,
    DeliveryEvent,
    FailureReason,
    Package,
    Route,
    RouteChange,
    ShiftPunch,
    TrackingLink,
)
from routes.planning.availability import availability_for
from routes.planning.jobs import route_timelines
from routes.rules.outcomes import FINAL
from routes.selectors import (
    STATE_LABELS,
    route_for_driver_today,
    route_list,
    routes_for_map,
    state_label,
    user_today,
)
from routes.web.views.changes import change_lines
from routes.web.views.dates import requested_day


def _board_url(day: date, route: Route | None = None) -> str:
    """The board of `day`; with `route`, back at its row, where the board puts the focus."""
    url = f"{reverse('routes:day-board')}?date={day:%Y-%m-%d}"
    return f"{url}#route-{route.pk}" if route is not None else url


@role_required(*DSP_MANAGER_ROLES)
def day_board(request):
    """Routes of the day on one side; assignable drivers and available vans on the other."""
    day = requested_day(request)
    dsp = dsp_of(request.user)
    routes = list(route_list(user=request.user, service_date=day))
    links = tracking_notice_counts([r.pk for r in routes])
    late = late_actions_by_route(route_ids=[r.pk for r in routes])
    for r in routes:
        r.links = links.get(r.pk)
        r.late_actions = late.get(r.pk)
    free = availability_for(dsp=dsp, on=day)
    drivers = list(drivers_assignable(dsp=dsp, on=day))
    risk = routes_at_risk(dsp=dsp, on=day)
    context = {
        "day": day,
        "prev": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "routes": routes,
        "drivers": drivers,
        "vehicles": free.vehicles,
        "all_vehicles": list(
            vehicle_list(user=request.user).exclude(status=Vehicle.Status.RETURNED)
        ),
        "all_drivers": list(driver_list(user=request.user, status=Driver.Status.ACTIVE)),
        "suggestions": assignment_suggestions(dsp=dsp, on=day),
        "risk": risk,
        "at_risk": {r.pk for r in risk.routes},
        "answers": risk.answers,
        "map_routes": routes_for_map(user=request.user, service_date=day),
        "board_timeline": board_lanes(routes, {r.pk for r in risk.routes}),
    }
    return render(request, "routes/day_board.html", context)


def _clock(minutes: int | None) -> str:
    return "—" if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


def board_lanes(routes: list[Route], at_risk: set[int]) -> dict:
    """The board's compact timeline: each route's start to finish and its stops as ticks, on
    one hour-rounded axis for the day (positions in % of it), from the route timeline's data."""
    timelines = route_timelines(routes)
    moments = [
        m
        for t in timelines.values()
        for m in [t["departs"], t["returns"], *(s["at"] for s in t["stops"])]
        if m is not None
    ]
    lo = min(moments, default=480) // 60 * 60
    span = max(-(-(max(moments, default=1080) + 1) // 60) * 60 - lo, 60)

    def pct(m: int) -> float:
        return round((m - lo) / span * 100, 2)

    lanes = []
    for route in routes:
        t = timelines[route.pk]
        start = t["departs"] if t["departs"] is not None else lo
        finish = t["returns"] if t["returns"] is not None else start
        ticks = [
            {"left": pct(s["at"]), "late": bool(s["window"] and s["at"] > s["window"][1])}
            for s in t["stops"]
            if s["at"] is not None
        ]
        lanes.append(
            {
                "route": route,
                "at_risk": route.pk in at_risk,
                "start": _clock(t["departs"]),
                "finish": _clock(t["returns"]),
                "left": pct(start),
                "width": pct(finish) - pct(start),
                "ticks": ticks,
                "late": sum(1 for tick in ticks if tick["late"]),
            }
        )
    hours = [{"left": pct(m), "label": _clock(m)} for m in range(lo, lo + span + 1, 60)]
    return {"lanes": lanes, "hours": hours}


@role_required(*DSP_MANAGER_ROLES)
def day_risk(request):
    """The routes-at-risk card alone, polled by the board so it updates without a reload."""
    day = requested_day(request)
    risk = routes_at_risk(dsp=dsp_of(request.user), on=day)
    return render(request, "routes/_day_risk.html", {"day": day, "risk": risk})


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def day_assign(request, pk: int):
    """Assign a driver and van; a board's script (a dropped driver) gets the reasons in JSON."""
    route = get_for_user_or_404(Route, request.user, pk=pk)
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        driver = get_for_user_or_404(Driver, request.user, pk=int(request.POST.get("driver", "")))
        vehicle = get_for_user_or_404(
            Vehicle, request.user, pk=int(request.POST.get("vehicle", ""))
        )
    except ValueError:
        if wants_json:
            return JsonResponse({"errors": ["Choose a driver and a van."]}, status=400)
        messages.error(request, f"Route {route.code}: choose a driver and a van.")
        return redirect(_board_url(route.service_date))
    try:
        route_assign(route=route, driver=driver, vehicle=vehicle)
    except ValidationError as error:
        if wants_json:
            return JsonResponse({"errors": error.messages}, status=400)
        for message in error.messages:
            messages.error(request, f"Route {route.code}: {message}")
        return redirect(_board_url(route.service_date))
    done = f"Route {route.code}: {driver.full_name} in van {vehicle.plate}."
    messages.success(request, done)  # a board's script shows it when it reloads
    if wants_json:
        return JsonResponse({"route": route.pk, "driver": driver.pk, "vehicle": vehicle.pk})
    return redirect(_board_url(route.service_date, route))


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def day_unassign(request, pk: int):
    route = get_for_user_or_404(Route, request.user, pk=pk)
    try:
        route_unassign(route=route)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_board_url(route.service_date))
    messages.success(request, f"Route {route.code} is unassigned.")
    return redirect(_board_url(route.service_date, route))


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def day_close(request, pk: int):
    """Close a route of the day: refused while the driver's phone still holds actions."""
    route = get_for_user_or_404(Route, request.user, pk=pk)
    try:
        route_close(route=route)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_board_url(route.service_date))
    messages.success(request, f"Route {route.code} is closed.")
    return redirect(_board_url(route.service_date, route))


@role_required(*STAFF_AND_MANAGERS)
def day_links(request, pk: int):
    """A route's tracking links, per package: sent or not, by which channel and when; copy one
    or send it again."""
    route = get_for_user_or_404(Route.objects.select_related("station"), request.user, pk=pk)
    context = {"route": route, "rows": route_tracking_links(route)}
    return render(request, "routes/day_links.html", context)


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def day_link_resend(request, pk: int, package_pk: int):
    """Send one package's tracking link again (rate-limited per package by the service)."""
    route = get_for_user_or_404(Route, request.user, pk=pk)
    try:
        notices = tracking_link_resend(route=route, package_id=package_pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Package.DoesNotExist as error:
        raise Http404("No such package on this route.") from error
    else:
        how = ", ".join(
            f"{n.get_channel_display()} {n.get_status_display().lower()}" for n in notices
        )
        messages.success(request, f"Tracking link sent again: {how}.")
    return redirect("routes:day-links", pk=route.pk)


@require_POST
@role_required(*DSP_MANAGER_ROLES)
def day_suggest(request):
    day = requested_day(request)
    assigned, problems = assignment_suggestions_apply(dsp=dsp_of(request.user), on=day)
    messages.success(request, f"{assigned} route{'s' if assigned != 1 else ''} assigned.")
    for problem in problems:
        messages.warning(request, problem)
    return redirect(_board_url(day))


@role_required(*DSP_MANAGER_ROLES)
def day_loadout(request):
    """A printable sheet: route, driver, van, staging lane, packages in stop order."""
    day = requested_day(request)
    routes = route_list(user=request.user, service_date=day)
    return render(
        request,
        "routes/day_loadout.html",
        {"day": day, "sheet": load_out_sheet(routes=routes)},
    )


def _options(choices) -> str:
    return format_html_join("", '<option value="{}">{}</option>', choices)


def _stop_rows(stops: list[dict], live) -> list[dict]:
    """`driver_stops` rows with the text the page shows, so the template's loop over a long
    route only prints values. Times are in the active (station) time zone."""
    etas = {s.id: s for s in live.stops}
    for row in stops:
        stop_live = etas.get(row["id"])
        if row["done"]:
            row["eta"] = "done"
        elif stop_live and stop_live.eta:
            row["eta"] = "ETA " + timezone.localtime(stop_live.eta).strftime("%H:%M")
        else:
            row["eta"] = timezone.localtime(row["planned_arrival"]).strftime("%H:%M")
        row["late"] = bool(stop_live and stop_live.late)
        row["destination"] = f"{row['latitude']},{row['longitude']}"
        row["packages"] = [
            (code, state, state_label(state), state not in FINAL) for code, state in row["packages"]
        ]
    return stops


@role_required(Role.DRIVER)
def driver_day(request):
    """The driver's one phone page: stops in order, map, scan, deliver, fail, the offline queue;
    while the route is out it also shares the position and shows what dispatch changed."""
    today = user_today(request.user)
    route = route_for_driver_today(user=request.user, today=today)
    context = {"today": today, "route": route}
    if route is not None:
        punches = list(ShiftPunch.objects.filter(route=route).order_by("at", "id"))
        live = route_live(route=route)
        stops = driver_stops(route=route)
        remaining = remaining_in(stops)
        changes = [
            {"pk": c.pk, "at": c.created_at, "lines": change_lines(c.facts, route.station.tz)}
            for c in RouteChange.objects.filter(route=route)[:3]
        ]
        context.update(
            stops=_stop_rows(stops, live),
            live=live,
            active=route.status in ACTIVE,
            changes=changes,
            change_id=changes[0]["pk"] if changes else "",
            unread=unread_counts(user=request.user, routes=[route]).get(route.pk, 0),
            remaining=remaining,
            map_routes=routes_for_map(user=request.user, service_date=today),
            last_punch=punches[-1].kind if punches else "",
            # The van assigned to the route comes first in the picker, as "Your van".
            other_vans=list(
                vehicle_list(user=request.user)
                .exclude(status__in=(Vehicle.Status.RETURNED, Vehicle.Status.GROUNDED))
                .exclude(pk=route.vehicle_id)
                .values_list("plate", flat=True)
            ),
            # Rendered once: every package of a 200-stop route repeats these lists.
            fail_options=_options([(r.value, r.label) for r in FAIL_REASONS]),
            delivered_to_options=_options(DeliveryEvent.DeliveredTo.choices),
            return_reasons=FailureReason.choices,
            station_only_reasons=[r.label for r in FailureReason.only_at_the_station()],
            state_labels=STATE_LABELS,
        )
    return render(request, "routes/driver_day.html", context)


@role_required(Role.DRIVER)
def driver_day_data(request):
    """What the driver's page polls: progress, ETAs and the latest changes by dispatch."""
    route = route_for_driver_today(user=request.user, today=user_today(request.user))
    if route is None:
        return JsonResponse({"id": None})
    data = route_live(route=route).as_json()
    changes = list(RouteChange.objects.filter(route=route)[:3])
    data["active"] = route.status in ACTIVE
    data["change_id"] = changes[0].pk if changes else None
    data["changes"] = [
        {"at": c.created_at.isoformat(), "lines": change_lines(c.facts, route.station.tz)}
        for c in changes
    ]
    data["unread"] = unread_counts(user=request.user, routes=[route]).get(route.pk, 0)
    return JsonResponse(data)


@role_required(Role.DRIVER)
def driver_day_live_moved(request):
    """The former live page of the driver is part of the driver's day now."""
    return redirect("routes:driver-day")


@role_required(Role.DRIVER)
def driver_confirm(request):
    """The day before: will you work tomorrow? (rostered and standby drivers answer)."""
    driver = driver_for_user(user=request.user)
    if driver is None:
        raise Http404("No driver profile.")
    tomorrow = driver.dsp.station.today() + timedelta(days=1)
    if request.method == "POST":
        answer = request.POST.get("available")
        if answer in ("yes", "no"):
            day_confirmation_answer(driver=driver, service_date=tomorrow, available=answer == "yes")
            messages.success(request, "Thanks, your dispatcher can see your answer.")
            return redirect("routes:driver-confirm")
        messages.error(request, "Answer yes or no.")
    route = route_list(user=request.user, service_date=tomorrow).first()
    answer = DayConfirmation.objects.filter(driver=driver, service_date=tomorrow).first()
    return render(
        request,
        "routes/driver_confirm.html",
        {"tomorrow": tomorrow, "route": route, "answer": answer},
    )


def tracking_page(request, token: str):
    """Public: a recipient's view of one package (no name, address or driver position)."""
    link = TrackingLink.objects.select_related("package__manifest__station").filter(token=token)
    link = link.first()
    status = tracking_status(link=link, eta_of=stop_eta) if link else None
    response = render(
        request, "routes/tracking_page.html", {"status": status}, status=200 if status else 404
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


tracking_page.tenancy_public = True
