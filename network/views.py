"""Network pages for program staff: dashboard, fair allocation and peak planning (+ CSV)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dsps.models import Role
from dsps.tenancy import get_for_user_or_404, role_required
from nextmile import csvsafe
from nextmile.dates import DateOutOfRange

from . import selectors, services
from .models import AllocationProposal

STAFF = (Role.PROGRAM_STAFF,)


def _first_error(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(m for msgs in error.message_dict.values() for m in msgs)
    return " ".join(error.messages)


def _where(request):
    """The station and date asked for; a malformed value falls back to the defaults with a
    message, a day outside the program's life is a 400 like on every dated page."""
    try:
        station = selectors.pick_station(user=request.user, station_id=request.GET.get("station"))
    except ValidationError as error:
        messages.error(request, _first_error(error))
        station = selectors.pick_station(user=request.user, station_id=None)
    try:
        day = selectors.pick_date(station, request.GET.get("date"))
    except DateOutOfRange:
        raise  # DateOutOfRangeMiddleware answers 400 with the message
    except ValidationError as error:
        messages.error(request, _first_error(error))
        day = station.today()
    return station, day


def _csv(filename: str, header: list, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    out = csvsafe.writer(response)
    out.writerow(header)
    out.writerows(rows)
    return response


def _no_station(request):
    return render(request, "network/no_station.html", status=200)


@role_required(*STAFF)
def dashboard(request):
    if not selectors.station_choices(user=request.user).exists():
        return _no_station(request)
    station, day = _where(request)
    rows = selectors.dsp_rows(user=request.user, station=station, day=day)
    uncovered = selectors.uncovered_stops(station=station, day=day)
    export = request.GET.get("export")
    if export == "dsps":
        return _csv(
            f"network-{station.code}-{day}.csv",
            [
                "dsp",
                "routes",
                "stops",
                "vans",
                "capacity",
                "volume_share_pct",
                "capacity_share_pct",
                "tier",
                "dcr_pct",
                "headcount",
                "jobs_created",
            ],
            (
                [
                    r.dsp.name,
                    r.routes,
                    r.stops,
                    r.vans,
                    r.capacity,
                    r.volume_share,
                    r.capacity_share,
                    r.tier,
                    r.dcr if r.dcr is not None else "",
                    r.headcount,
                    r.jobs_created,
                ]
                for r in rows
            ),
        )
    if export == "uncovered":
        return _csv(
            f"uncovered-{station.code}-{day}.csv",
            ["stop", "address", "packages", "latitude", "longitude"],
            (
                s
                for s in uncovered.values_list(
                    "pk", "address", "package_count", "latitude", "longitude"
                ).iterator()
            ),
        )
    page = Paginator(
        uncovered.only("pk", "address", "package_count", "latitude", "longitude"), 25
    ).get_page(request.GET.get("page"))
    uncovered_points = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(s.longitude), float(s.latitude)],
                },
                "properties": {"label": s.address, "colour": "#b42318"},
            }
            for s in page.object_list
        ],
    }
    context = {
        "station": station,
        "day": day,
        "stations": selectors.station_choices(user=request.user),
        "rows": rows,
        "territories": selectors.territory_features(station=station, rows=rows),
        "unassigned": selectors.unassigned_territories(station=station),
        "uncovered_page": page,
        "uncovered_points": uncovered_points,
        "series": selectors.daily_series(station=station, day=day),
        "stops_per_route": selectors.stops_per_route(station),
        "over": [r for r in rows if r.stops > r.capacity],
        "query": f"station={station.pk}&date={day.isoformat()}",
    }
    return render(request, "network/dashboard.html", context)


@role_required(*STAFF)
def allocation(request):
    if not selectors.station_choices(user=request.user).exists():
        return _no_station(request)
    station, day = _where(request)
    if request.method == "POST":
        try:
            proposal = services.allocation_propose(
                user=request.user, station=station, service_date=day
            )
        except ValidationError as error:
            messages.error(request, _first_error(error))
            return redirect(f"{reverse('network:allocation')}?station={station.pk}&date={day}")
        return redirect("network:allocation-detail", pk=proposal.pk)
    proposals = selectors.proposal_list(user=request.user, station=station, day=day)[:10]
    return render(
        request,
        "network/allocation.html",
        {
            "station": station,
            "day": day,
            "proposals": proposals,
            "stations": selectors.station_choices(user=request.user),
        },
    )


@role_required(*STAFF)
def allocation_detail(request, pk: int):
    proposal = get_for_user_or_404(
        AllocationProposal.objects.select_related("station", "applied_by"), request.user, pk=pk
    )
    names = {row["dsp"]: row["name"] for row in proposal.before.get("rows", [])}
    if request.GET.get("export") == "csv":
        return _csv(
            f"allocation-{proposal.pk}.csv",
            ["stop", "address", "from", "to", "latitude", "longitude"],
            (
                [
                    m["stop"],
                    m["address"],
                    names.get(m["from"], "uncovered"),
                    names.get(m["to"], ""),
                    m["lat"],
                    m["lon"],
                ]
                for m in proposal.moves
            ),
        )
    moves = Paginator(proposal.moves, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "network/allocation_detail.html",
        {
            "proposal": proposal,
            "moves": [
                {
                    **m,
                    "from_name": names.get(m["from"], "Uncovered"),
                    "to_name": names.get(m["to"], ""),
                }
                for m in moves.object_list
            ],
            "moves_page": moves,
            "table": selectors.fairness_table(proposal),
            "points": selectors.proposal_map(proposal),
            "territories": selectors.territory_features(
                station=proposal.station, rows=[], colours=selectors.proposal_colours(proposal)
            ),
        },
    )


@role_required(*STAFF)
def allocation_apply(request, pk: int):
    """GET: the confirmation step naming what the apply will do; POST (from that page, with
    the day's fingerprint it showed): apply."""
    proposal = get_for_user_or_404(
        AllocationProposal.objects.select_related("station"), request.user, pk=pk
    )
    if request.method != "POST" or not request.POST.get("confirm"):
        if proposal.status != AllocationProposal.Status.PROPOSED or not proposal.moves:
            return redirect("network:allocation-detail", pk=proposal.pk)
        names = {row["dsp"]: row["name"] for row in proposal.before.get("rows", [])}
        receivers: dict[str, int] = {}
        givers: dict[str, int] = {}
        for m in proposal.moves:
            receivers[names.get(m["to"], "")] = receivers.get(names.get(m["to"], ""), 0) + 1
            giver = names.get(m["from"], "Uncovered")
            givers[giver] = givers.get(giver, 0) + 1
        return render(
            request,
            "network/allocation_confirm.html",
            {
                "proposal": proposal,
                "receivers": sorted(receivers.items()),
                "givers": sorted(givers.items()),
                "confirm": selectors.day_fingerprint(
                    station=proposal.station, day=proposal.service_date
                ),
                "button": f"Move {len(proposal.moves)} stops on "
                f"{proposal.service_date.day} {proposal.service_date:%b}",
            },
        )
    was_applied = proposal.status == AllocationProposal.Status.APPLIED
    try:
        services.allocation_apply(
            user=request.user, proposal=proposal, confirm=request.POST["confirm"]
        )
    except ValidationError as error:
        messages.error(request, _first_error(error))
    else:
        if was_applied:
            messages.info(request, "This proposal was already applied; nothing changed.")
        else:
            messages.success(request, f"Applied: {len(proposal.moves)} stops moved.")
    return redirect("network:allocation-detail", pk=proposal.pk)


@role_required(*STAFF)
def peak(request):
    if not selectors.station_choices(user=request.user).exists():
        return _no_station(request)
    station, _ = _where(request)
    if request.method == "POST":
        try:
            sent = services.peak_offers_send(user=request.user, station=station)
        except ValidationError as error:
            messages.error(request, _first_error(error))
        else:
            messages.success(request, f"Peak leases offered to {len(sent)} DSPs.")
        return redirect(f"{reverse('network:peak')}?station={station.pk}")
    plan = selectors.peak_plan(user=request.user, station=station)
    if request.GET.get("export") == "csv":
        return _csv(
            f"peak-{station.code}.csv",
            ["dsp", "vans", "drivers", "share_pct", "extra_vans", "extra_drivers", "lease_cost"],
            (
                [
                    r.dsp.name,
                    r.vans,
                    r.drivers,
                    r.share,
                    r.extra_vans,
                    r.extra_drivers,
                    r.lease_cost,
                ]
                for r in plan.rows
            ),
        )
    chart = {
        "labels": [d.isoformat() for d, _ in plan.forecast.days],
        "stops": [v for _, v in plan.forecast.days],
        "capacity": [plan.vans_leased * plan.stops_per_route] * len(plan.forecast.days),
    }
    return render(
        request,
        "network/peak.html",
        {
            "plan": plan,
            "station": station,
            "chart": chart,
            "stations": selectors.station_choices(user=request.user),
            "offers": selectors.peak_offer_list(
                user=request.user, station=station, on=station.today()
            ),
        },
    )
