"""Planning pages: manifest import, plan jobs with live progress, the day's routes and edits."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dsps.models import STAFF_AND_MANAGERS, Role
from dsps.tenancy import IMPORT, PLAN, get_for_user_or_404, is_program_staff, role_required
from nextmile.forms import show_service_errors
from routes.manifests.imports import template_csv
from routes.models import Package, PlanJob, Route, RouteStop, Stop
from routes.planning.exports import day_export_filename, day_export_write
from routes.planning.jobs import (
    EDITABLE,
    manifest_import,
    plan_job_cancel,
    plan_job_progress,
    plan_job_start,
    route_stop_move,
    route_stop_move_preview,
    route_timeline,
    stop_allocate,
)
from routes.selectors import (
    day_summary,
    plan_job_list,
    route_list,
    route_siblings,
    route_stop_list,
    routes_for_map,
    stop_list,
    stop_list_dropped,
    stop_list_uncovered,
    user_today,
)
from routes.web.forms import AllocateForm, ManifestImportForm, MoveStopForm, PlanForm
from routes.web.views.dates import requested_day


@role_required(*STAFF_AND_MANAGERS, power=IMPORT)
def manifest_import_view(request):
    staff = is_program_staff(request.user)
    row_errors, result = [], None
    if request.method == "POST":
        form = ManifestImportForm(request.POST, request.FILES, staff=staff)
        if form.is_valid():
            try:
                result = manifest_import(
                    user=request.user,
                    upload=form.cleaned_data["file"],
                    service_date=form.cleaned_data["service_date"],
                    station=form.cleaned_data.get("station"),
                )
            except ValidationError as error:
                row_errors = getattr(error, "row_errors", [])
                show_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Imported {result.packages} packages into {result.stops_created} new "
                    f"stops ({result.stops_merged} merged at shared addresses; "
                    f"{result.uncovered} in no held territory).",
                )
                day = result.manifest.service_date
                return redirect(f"{reverse('routes:plan')}?date={day:%Y-%m-%d}")
    else:
        form = ManifestImportForm(staff=staff, initial={"service_date": user_today(request.user)})
    return render(request, "routes/manifest_import.html", {"form": form, "row_errors": row_errors})


@role_required(*STAFF_AND_MANAGERS)
def manifest_template(request):
    response = HttpResponse(template_csv(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="manifest-template.csv"'
    return response


@role_required(*STAFF_AND_MANAGERS, power=PLAN)
def plan(request):
    staff = is_program_staff(request.user)
    if request.method == "POST":
        form = PlanForm(request.POST, staff=staff)
        if form.is_valid():
            try:
                job = plan_job_start(
                    user=request.user,
                    service_date=form.cleaned_data["service_date"],
                    time_limit_s=form.cleaned_data["time_limit_s"],
                    station=form.cleaned_data.get("station"),
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                return redirect("routes:job-detail", pk=job.pk)
    else:
        form = PlanForm(
            staff=staff, initial={"service_date": requested_day(request), "time_limit_s": 30}
        )
    day = requested_day(request)
    stops = stop_list(user=request.user, service_date=day)
    return render(
        request,
        "routes/plan.html",
        {
            "form": form,
            "day": day,
            # Stops not yet on a route are left to plan; the others are already planned.
            "stop_count": stops.filter(route_stop__isnull=True).count(),
            "planned_count": stops.filter(route_stop__isnull=False).count(),
            "uncovered_count": stop_list_uncovered(user=request.user, service_date=day).count(),
            "jobs": plan_job_list(user=request.user)[:10],
        },
    )


def _job_context(request, job: PlanJob) -> dict:
    return {"job": job, "progress": plan_job_progress(job)}


@role_required(*STAFF_AND_MANAGERS)
def job_detail(request, pk: int):
    job = get_for_user_or_404(PlanJob.objects.select_related("station", "dsp"), request.user, pk=pk)
    return render(request, "routes/job_detail.html", _job_context(request, job))


@role_required(*STAFF_AND_MANAGERS)
def job_progress(request, pk: int):
    job = get_for_user_or_404(PlanJob.objects.select_related("station", "dsp"), request.user, pk=pk)
    return render(request, "routes/_job_progress.html", _job_context(request, job))


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def job_cancel(request, pk: int):
    job = get_for_user_or_404(PlanJob, request.user, pk=pk)
    try:
        plan_job_cancel(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The plan job was cancelled; no routes were written by it.")
    return redirect("routes:job-detail", pk=job.pk)


@role_required(*STAFF_AND_MANAGERS)
def day(request):
    service_date = requested_day(request)
    routes = list(route_list(user=request.user, service_date=service_date))
    return render(
        request,
        "routes/day.html",
        {
            "day": service_date,
            "routes": routes,
            "summary": day_summary(user=request.user, service_date=service_date),
            "map_routes": routes_for_map(user=request.user, service_date=service_date),
            "dropped": stop_list_dropped(user=request.user, service_date=service_date)[:200],
        },
    )


@role_required(*STAFF_AND_MANAGERS)
def day_export(request):
    service_date = requested_day(request)
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{day_export_filename(service_date)}"'
    day_export_write(response, user=request.user, service_date=service_date)
    return response


@role_required(*STAFF_AND_MANAGERS)
def route_detail(request, pk: int):
    route = get_for_user_or_404(
        Route.objects.select_related("dsp", "station", "vehicle", "driver"), request.user, pk=pk
    )
    siblings = route_siblings(user=request.user, route=route)
    priority = request.GET.get("priority", "")
    if priority not in Package.Priority.values:
        priority = ""
    compared = (
        _compared_timeline(siblings, route, request.GET.get("compare", ""))
        if route.status in EDITABLE
        else None
    )
    return render(
        request,
        "routes/route_detail.html",
        {
            "route": route,
            "route_stops": route_stop_list(user=request.user, route=route, priority=priority),
            "priority": priority,
            "priorities": Package.Priority.choices,
            "siblings": siblings,
            "editable": route.status in EDITABLE,
            "timeline": route_timeline(route),
            "compare_timeline": compared,
            "map_routes": routes_for_map(
                user=request.user,
                service_date=route.service_date,
                route_ids=[route.pk, *([compared["id"]] if compared else [])],
            ),
        },
    )


def _compared_timeline(siblings, route: Route, wanted: str) -> dict | None:
    """The lane the page compares with, in the page: one request fewer before the timeline is
    drawn (other siblings are fetched when chosen). The sibling named by `?compare=` (the
    timeline asks for it to redraw the map), else the first."""
    others = siblings.exclude(pk=route.pk).select_related("station")
    sibling = (others.filter(pk=wanted).first() if wanted.isdigit() else None) or others.first()
    return route_timeline(sibling) if sibling else None


@require_GET
@role_required(*STAFF_AND_MANAGERS)
def route_timeline_view(request, pk: int):
    """One route's lane for the timeline (loaded when a dispatcher compares two routes)."""
    route = get_for_user_or_404(Route.objects.select_related("station"), request.user, pk=pk)
    return JsonResponse(route_timeline(route))


def _move_input(request, route: Route) -> tuple[RouteStop, Route, int] | dict:
    """The stop, target route and position of a move form, or its errors by field."""
    form = MoveStopForm(request.POST, routes=route_siblings(user=request.user, route=route))
    if not form.is_valid():
        return {field: " ".join(errors) for field, errors in form.errors.items()}
    route_stop = get_for_user_or_404(
        RouteStop, request.user, pk=form.cleaned_data["route_stop"], route=route
    )
    return route_stop, form.cleaned_data["to_route"], form.cleaned_data["position"]


def _errors(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: " ".join(messages_) for field, messages_ in error.message_dict.items()}
    return {"__all__": " ".join(error.messages)}


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def route_move_preview(request, pk: int):
    """The consequence of a move (km, time, windows broken, re-timed stops), not kept."""
    route = get_for_user_or_404(Route, request.user, pk=pk)
    if not _wants_json(request):  # a preview is drawn by the page's script; a form goes back
        messages.error(request, "Choose a stop on the timeline to see a move before keeping it.")
        return redirect("routes:route-detail", pk=route.pk)
    parsed = _move_input(request, route)
    if isinstance(parsed, dict):
        return JsonResponse({"errors": parsed}, status=400)
    route_stop, to_route, position = parsed
    try:
        preview = route_stop_move_preview(
            user=request.user, route_stop=route_stop, to_route=to_route, position=position
        )
    except ValidationError as error:
        return JsonResponse({"errors": _errors(error)}, status=400)
    return JsonResponse(preview)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def route_move(request, pk: int):
    route = get_for_user_or_404(Route, request.user, pk=pk)
    parsed = _move_input(request, route)
    if isinstance(parsed, dict):
        if _wants_json(request):
            return JsonResponse({"errors": parsed}, status=400)
        messages.error(request, "Choose a stop, a route and a position for the stop.")
        return redirect("routes:route-detail", pk=route.pk)
    route_stop, to_route, position = parsed
    try:
        moved = route_stop_move(
            user=request.user, route_stop=route_stop, to_route=to_route, position=position
        )
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse({"errors": _errors(error)}, status=400)
        messages.error(request, " ".join(error.messages))
        return redirect("routes:route-detail", pk=route.pk)
    if _wants_json(request):
        touched = Route.objects.select_related("station").filter(pk__in={route.pk, moved.route_id})
        return JsonResponse(
            {
                "stop": moved.pk,
                "to_route": moved.route_id,
                "position": moved.sequence,
                "routes": [route_timeline(r) for r in touched],
            }
        )
    messages.success(
        request,
        f"Moved {moved.stop.address} to {moved.route.code} as stop {moved.sequence}; "
        "times recomputed.",
    )
    return redirect("routes:route-detail", pk=route.pk)


@role_required(Role.PROGRAM_STAFF)
def uncovered(request):
    service_date = requested_day(request)
    if request.method == "POST":
        form = AllocateForm(request.POST)
        if form.is_valid():
            stop = get_for_user_or_404(Stop, request.user, pk=form.cleaned_data["stop"])
            try:
                stop_allocate(user=request.user, stop=stop, dsp=form.cleaned_data["dsp"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, f"{stop.address} allocated to {form.cleaned_data['dsp']}."
                )
        return redirect(f"{reverse('routes:uncovered')}?date={service_date:%Y-%m-%d}")
    return render(
        request,
        "routes/uncovered.html",
        {
            "day": service_date,
            "stops": stop_list_uncovered(user=request.user, service_date=service_date)[:500],
            "form": AllocateForm(),
        },
    )
