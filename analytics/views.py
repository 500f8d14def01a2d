"""The DSP analytics page and its CSV exports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from dsps.tenancy import is_program_staff, role_required
from nextmile import csvsafe

from . import selectors
from .tables import TABLES, table_rows

PER_PAGE = 25


def _dsp_id(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise Http404("No such DSP.")
    return int(raw)


def _dsp_and_period(request):
    """The DSP to show (None: staff has not picked one), the period and any errors by field."""
    dsp = selectors.analytics_dsp(user=request.user, dsp_id=_dsp_id(request.GET.get("dsp")))
    today = dsp.station.today() if dsp else timezone.localdate()
    errors = {}
    try:
        period = selectors.period_parse(
            start=request.GET.get("start"), end=request.GET.get("end"), today=today
        )
    except ValidationError as exc:
        errors = exc.message_dict
        period = selectors.period_parse(start=None, end=None, today=today)
    return dsp, period, errors


def _chart(daily: list[dict]) -> dict:
    return {
        "days": [r["day"].isoformat() for r in daily],
        "completion": [r["completion"] for r in daily],
        "on_time": [r["on_time_rate"] for r in daily],
    }


def _map(addresses: list[dict], areas: list[dict]) -> list[dict]:
    return [
        *(
            {
                "kind": "address",
                "label": a["address"],
                "lat": a["latitude"],
                "lon": a["longitude"],
                "bad": a["bad"],
                "visits": a["visits"],
            }
            for a in addresses
        ),
        *(
            {"kind": "area", "label": a["area"], "bounds": a["bounds"], "bad": a["bad"]}
            for a in areas
        ),
    ]


@role_required(*selectors.ANALYST_ROLES)
def dashboard(request):
    """Completion and on-time by day, recurring problems, efficiency, drivers and costs."""
    dsp, period, errors = _dsp_and_period(request)
    context = {
        "dsp": dsp,
        "period": period,
        "errors": errors,
        "choices": selectors.analytics_dsp_choices(user=request.user)
        if is_program_staff(request.user)
        else None,
    }
    if dsp is not None:
        stats = selectors.route_stats(dsp=dsp, period=period)
        daily = selectors.daily_rates(dsp=dsp, period=period, stats=stats)
        problems = selectors.recurring_problems(dsp=dsp, period=period)
        addresses, areas = problems["addresses"], problems["areas"]
        context.update(
            daily=daily,
            summary=selectors.rates_summary(daily),
            chart=_chart(daily),
            map_items=_map(addresses, areas),
            addresses=Paginator(addresses, PER_PAGE).get_page(request.GET.get("apage")),
            areas=Paginator(areas, PER_PAGE).get_page(request.GET.get("zpage")),
            efficiency=selectors.route_efficiency(dsp=dsp, period=period, stats=stats),
            leaderboard=Paginator(
                selectors.driver_leaderboard(dsp=dsp, period=period, stats=stats), PER_PAGE
            ).get_page(request.GET.get("lpage")),
            costs=selectors.cost_per_package(dsp=dsp, period=period, stats=stats),
            tables=TABLES,
            lookback_days=selectors.lookback_days(),
        )
    return render(request, "analytics/dashboard.html", context)


@role_required(*selectors.ANALYST_ROLES)
def export(request):
    """One of the page's tables as CSV, for the same DSP and period."""
    name = request.GET.get("table", "")
    if name not in TABLES:
        raise Http404("No such table.")
    dsp, period, errors = _dsp_and_period(request)
    if dsp is None or errors:
        raise Http404("Pick a DSP and a valid period first.")
    columns = TABLES[name]["columns"]
    response = HttpResponse(content_type="text/csv")
    filename = f"{dsp.code}-{name}-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csvsafe.writer(response)
    writer.writerow([label for _, label in columns])
    for row in table_rows(name, dsp=dsp, period=period):
        writer.writerow(["" if row[key] is None else row[key] for key, _ in columns])
    return response
