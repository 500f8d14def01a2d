"""Live pages: the dispatcher's live board, disruptions and re-plans, and route message threads
(the driver's side of live tracking is part of the driver's day,
`routes.web.views.day.driver_day`)."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dsps.models import DSP_MANAGER_ROLES, STAFF_AND_MANAGERS, Role
from dsps.tenancy import dsp_of, get_for_user_or_404, role_required, scope_to_user
from routes.day.messages import message_list, message_send, message_thread_mark_read, unread_counts
from routes.live.progress import live_board
from routes.models import Disruption, ReplanJob, Route, RouteStop
from routes.replan.disruptions import disruption_record, replan_job_apply, replan_job_start
from routes.replan.proposals import Proposal
from routes.selectors import user_today
from routes.web.views.dates import requested_day

THREAD_ROLES = (Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES, Role.DRIVER)


def _text(error: ValidationError) -> str:
    return " ".join(m for ms in error.message_dict.values() for m in ms)


def _board_json(user, day: date) -> dict:
    board = live_board(user=user, service_date=day)
    unread = unread_counts(user=user, routes=[b.route for b in board])
    # Two reversals for the whole board, not two per route.
    messages_url = reverse("routes:messages", args=[0]).replace("/0/", "/{}/")
    rescue_url = reverse("routes:rescue-start", args=[0]).replace("/0/", "/{}/")
    rows = []
    for b in board:
        row = b.as_board_json()
        row["unread"] = unread.get(b.route.pk, 0)
        row["messages_url"] = messages_url.format(b.route.pk)
        row["rescue_url"] = rescue_url.format(b.route.pk)
        rows.append(row)
    return {"date": day.isoformat(), "at": timezone.now().isoformat(), "routes": rows}


def _station_zone(user) -> str:
    """The zone the user's station keeps (program staff: the server's)."""
    dsp = dsp_of(user)
    return dsp.station.timezone if dsp else timezone.get_current_timezone_name()


def ago(at: datetime | None, now: datetime) -> str:
    """How long ago a ping was, as the board's script also says it ("2 min ago")."""
    if at is None:
        return ""
    minutes = max(0, int((now - at).total_seconds() // 60))
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    return f"{minutes // 60} h {minutes % 60} min ago"


def _aware(value: str | None) -> datetime | None:
    """An ISO time from the JSON shapes, as an aware datetime for the template."""
    return datetime.fromisoformat(value) if value else None


def _board_page(request, day, *, form_errors=None, form_data=None, status: int = 200):
    """The live board page, with the disruption form's errors when a record was refused."""
    data = _board_json(request.user, day)
    now = timezone.now()
    for row in data["routes"]:
        row["finish_at"] = _aware(row.get("projected_finish"))
        row["position_ago"] = ago(_aware(row.get("position_at")), now)
        if row["next_stop"]:
            row["next_stop"] = row["next_stop"] | {"eta": _aware(row["next_stop"]["eta"])}
    jobs = scope_to_user(ReplanJob.objects.all(), request.user).filter(service_date=day)[:10]
    return render(
        request,
        "routes/live_board.html",
        {
            "day": day,
            "board": data,
            "updated_at": _aware(data["at"]),
            "station_zone": _station_zone(request.user),
            "jobs": jobs,
            "kinds": Disruption.Kind.choices,
            "can_write": dsp_of(request.user) is not None,
            "form_errors": form_errors or {},
            "form_data": form_data or {},
        },
        status=status,
    )


@role_required(*STAFF_AND_MANAGERS)
def board(request):
    return _board_page(request, requested_day(request))


@role_required(*STAFF_AND_MANAGERS)
def board_data(request):
    return JsonResponse(_board_json(request.user, requested_day(request)))


def _parse_dt(value: str, station, field: str = "ends_at") -> datetime | None:
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: "Give a date and time."}) from None
    return at if at.tzinfo else at.replace(tzinfo=station.tz)


@role_required(*DSP_MANAGER_ROLES)
@require_POST
def disruption_create(request):
    dsp = dsp_of(request.user)
    route = None
    if request.POST.get("route"):
        route = (
            scope_to_user(Route.objects.all(), request.user)
            .filter(pk=request.POST["route"])
            .first()
        )
    try:
        _, job = disruption_record(
            user=request.user,
            kind=request.POST.get("kind", ""),
            area=request.POST.get("area") or None,
            starts_at=_parse_dt(request.POST.get("starts_at", ""), dsp.station, "starts_at"),
            ends_at=_parse_dt(request.POST.get("ends_at", ""), dsp.station),
            speed_factor=request.POST.get("speed_factor") or 0,
            route=route,
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        return _board_page(
            request,
            user_today(request.user),
            form_errors={k: " ".join(v) for k, v in error.message_dict.items()},
            form_data=request.POST,
            status=400,
        )
    messages.success(request, "Disruption recorded; the re-plan is running.")
    return redirect("routes:replan-detail", pk=job.pk)


@role_required(*STAFF_AND_MANAGERS)
@require_POST
def rescue_start(request, pk: int):
    route = get_for_user_or_404(Route, request.user, pk=pk)
    try:
        job = replan_job_start(user=request.user, kind=ReplanJob.Kind.RESCUE, route=route)
    except ValidationError as error:
        messages.error(request, _text(error))
        return redirect("routes:live-board")
    return redirect("routes:replan-detail", pk=job.pk)


@role_required(*STAFF_AND_MANAGERS)
def replan_detail(request, pk: int):
    job = get_for_user_or_404(
        ReplanJob.objects.select_related("disruption", "route"), request.user, pk=pk
    )
    return render(
        request,
        "routes/live_replan.html",
        {
            "job": job,
            "proposal": Proposal.from_json(job.proposal),
            "station_zone": _station_zone(request.user),
        },
    )


@role_required(*STAFF_AND_MANAGERS)
@require_POST
def replan_apply(request, pk: int):
    job = get_for_user_or_404(ReplanJob, request.user, pk=pk)
    try:
        replan_job_apply(user=request.user, job=job)
    except ValidationError as error:
        messages.error(request, _text(error))
    else:
        messages.success(request, "Re-plan applied; the drivers' pages show the changes.")
    return redirect("routes:replan-detail", pk=job.pk)


@role_required(*STAFF_AND_MANAGERS)
@require_POST
def replan_again(request, pk: int):
    """A new re-plan for the same disruption or rescue, from now (a stale or refused one)."""
    job = get_for_user_or_404(
        ReplanJob.objects.select_related("disruption", "route"), request.user, pk=pk
    )
    try:
        again = replan_job_start(
            user=request.user,
            kind=job.kind,
            disruption=job.disruption,
            route=job.route,
            time_limit_s=job.time_limit_s,
            again=job,
        )
    except ValidationError as error:
        messages.error(request, _text(error))
        return redirect("routes:replan-detail", pk=job.pk)
    return redirect("routes:replan-detail", pk=again.pk)


@role_required(*THREAD_ROLES)
def thread(request, pk: int):
    route = get_for_user_or_404(Route.objects.select_related("driver"), request.user, pk=pk)
    error = ""
    if request.method == "POST":
        stop = None
        if request.POST.get("route_stop"):
            stop = (
                scope_to_user(RouteStop.objects.filter(route=route), request.user)
                .filter(pk=request.POST["route_stop"])
                .first()
            )
        try:
            message_send(
                user=request.user, route=route, body=request.POST.get("body", ""), route_stop=stop
            )
        except ValidationError as e:
            error = _text(e)
        else:
            return redirect("routes:messages", pk=route.pk)
    message_thread_mark_read(user=request.user, route=route)
    stops = scope_to_user(RouteStop.objects.filter(route=route), request.user).select_related(
        "stop"
    )
    return render(
        request,
        "routes/messages_thread.html",
        {
            "route": route,
            "thread": message_list(user=request.user, route=route),
            "error": error,
            "stops": stops,
        },
        status=400 if error else 200,
    )


@role_required(*STAFF_AND_MANAGERS)
def inbox(request):
    day = requested_day(request)
    routes = list(
        scope_to_user(Route.objects.all(), request.user)
        .filter(service_date=day)
        .select_related("driver")
        .order_by("code")
    )
    unread = unread_counts(user=request.user, routes=routes)
    rows = [(r, unread.get(r.pk, 0)) for r in routes]
    return render(request, "routes/messages_inbox.html", {"day": day, "rows": rows})
