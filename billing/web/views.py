"""Billing pages: market demand, scorecards, statements and disputes, finances, rates."""

from __future__ import annotations

import csv
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing import selectors, services
from billing.finances.market import market_assessment
from billing.models import Dispute, Scorecard, Statement, StatementLine, Tier
from billing.scorecards.metrics import (
    METRICS,
    SPECS,
    hurting_metrics,
    metric_records,
    scorecard_compute,
    thresholds_for,
)
from billing.statements.exports import safe_cell, statement_filename, statement_pdf
from billing.statements.exports import statement_csv as statement_csv_text
from billing.web.forms import PeakPeriodForm, RateCardForm, ThresholdSetForm
from dsps.models import STAFF_AND_MANAGERS, Role
from dsps.selectors import territory_visible
from dsps.tenancy import dsp_for_write, get_for_user_or_404, is_program_staff, role_required
from nextmile.calendar import week_start_of
from nextmile.dates import parse_day
from nextmile.forms import show_service_errors
from routes.models import FailureReason

OWNERS = (Role.PROGRAM_STAFF, Role.OWNER)


@role_required(Role.PROGRAM_STAFF, Role.OWNER)
def market(request, pk: int):
    """Demand in one territory the user may look at: their own, or an open one on offer."""
    territory = get_object_or_404(territory_visible(user=request.user), pk=pk)
    weeks = 4
    if request.GET.get("weeks") in ("2", "4", "8"):
        weeks = int(request.GET["weeks"])
    assessment = market_assessment(territory=territory, weeks=weeks)
    return render(request, "billing/market.html", {"a": assessment, "territory": territory})


# --- Scorecards -----------------------------------------------------------------------------


@role_required(*STAFF_AND_MANAGERS)
def scorecard_list(request):
    page = Paginator(selectors.scorecard_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "billing/scorecard_list.html", {"page": page})


def _metric_rows(metrics: dict) -> list[dict]:
    return [
        {
            "key": key,
            "spec": SPECS[key],
            **metrics[key],
            "tier_label": Tier(metrics[key]["tier"]).label if metrics[key].get("tier") else "",
        }
        for key in SPECS
        if key in metrics
    ]


def _reason_rows(failed_by_reason: dict[str, int]) -> list[tuple[str, int]]:
    """Failed deliveries by reason, as people read the reasons."""
    labels = dict(FailureReason.choices)
    return [(labels.get(code, "Reason not given"), n) for code, n in failed_by_reason.items()]


TREND_METRICS = ("dcr", "pod", "within_window", "inspections")


@role_required(*STAFF_AND_MANAGERS)
def scorecard_detail(request, pk: int):
    card = get_for_user_or_404(
        Scorecard.objects.select_related("dsp__station"), request.user, pk=pk
    )
    live = scorecard_compute(dsp=card.dsp, week_start=card.week_start)
    trend_cards = selectors.scorecard_trend(card=card)
    trend = {
        "weeks": [c.week_start.isoformat() for c in trend_cards],
        "series": {
            key: [(c.metrics.get(key) or {}).get("value") for c in trend_cards]
            for key in TREND_METRICS
        },
        "labels": {key: SPECS[key].label for key in TREND_METRICS},
    }
    drivers = sorted({r.driver for r in live["week"].routes if r.driver}, key=str)
    return render(
        request,
        "billing/scorecard_detail.html",
        {
            "card": card,
            "rows": _metric_rows(card.metrics),
            "failed_by_reason": _reason_rows(card.metrics.get("failed_by_reason", {})),
            "hurting": hurting_metrics(live),
            "trend": trend,
            "drivers": drivers,
            "hours": live["hours"],
        },
    )


@role_required(*STAFF_AND_MANAGERS)
def scorecard_metric(request, pk: int, metric: str):
    card = get_for_user_or_404(
        Scorecard.objects.select_related("dsp__station"), request.user, pk=pk
    )
    if metric not in SPECS:
        raise Http404("No such metric.")
    live = scorecard_compute(dsp=card.dsp, week_start=card.week_start)
    return render(
        request,
        "billing/scorecard_metric.html",
        {
            "card": card,
            "spec": SPECS[metric],
            "records": metric_records(live["week"], metric),
        },
    )


@role_required(*STAFF_AND_MANAGERS)
def driver_scorecard(request, pk: int, driver_pk: int):
    card = get_for_user_or_404(
        Scorecard.objects.select_related("dsp__station"), request.user, pk=pk
    )
    driver = selectors.scorecard_driver_or_404(card=card, driver_pk=driver_pk)
    live = scorecard_compute(dsp=card.dsp, week_start=card.week_start, driver_id=driver.pk)
    return render(
        request,
        "billing/driver_scorecard.html",
        {
            "card": card,
            "driver": driver,
            "live": live,
            "rows": _metric_rows(live["metrics"]),
        },
    )


# --- Statements -----------------------------------------------------------------------------


@role_required(*STAFF_AND_MANAGERS)
def statement_list(request):
    page = Paginator(selectors.statement_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "billing/statement_list.html", {"page": page})


@role_required(*STAFF_AND_MANAGERS)
def statement_detail(request, pk: int):
    statement = get_for_user_or_404(Statement.objects.select_related("dsp"), request.user, pk=pk)
    lines = list(statement.lines.prefetch_related("disputes"))
    deadline = statement.dispute_deadline
    return render(
        request,
        "billing/statement_detail.html",
        {
            "statement": statement,
            "earnings": [x for x in lines if not x.is_deduction],
            "deductions": [x for x in lines if x.is_deduction],
            "deadline": deadline,
            "can_dispute": deadline is not None and timezone.now() <= deadline,
            "days_left": (deadline - timezone.now()).days if deadline else None,
            "manual_kinds": [
                (k, StatementLine.Kind(k).label) for k in sorted(StatementLine.MANUAL_KINDS)
            ],
        },
    )


@require_POST
@role_required(Role.PROGRAM_STAFF)
def statement_approve(request, pk: int):
    """A POST from the statement's page shows the confirmation; the confirmation's POST, with
    the version it showed, approves."""
    statement = get_for_user_or_404(Statement.objects.select_related("dsp"), request.user, pk=pk)
    if not request.POST.get("version") and statement.is_draft:
        return render(
            request,
            "billing/statement_approve_confirm.html",
            {
                "statement": statement,
                "lines": statement.lines.count(),
                "version": services.statement_version(statement),
            },
        )
    try:
        services.statement_approve(
            statement=statement, by=request.user, version=request.POST.get("version") or None
        )
        messages.success(request, "Statement approved.")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("billing:statement-detail", pk=pk)


@require_POST
@role_required(Role.PROGRAM_STAFF)
def statement_line_add(request, pk: int):
    statement = get_for_user_or_404(Statement, request.user, pk=pk)
    try:
        services.statement_line_add(
            statement=statement,
            kind=request.POST.get("kind", ""),
            description=request.POST.get("description", "").strip() or "Chargeback",
            quantity=Decimal(request.POST.get("quantity") or "x"),
            rate=Decimal(request.POST.get("rate") or "x"),
        )
        messages.success(request, "Line added.")
    except (InvalidOperation, ValueError):
        messages.error(request, "Give a quantity and a rate as numbers.")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("billing:statement-detail", pk=pk)


@role_required(*STAFF_AND_MANAGERS)
def statement_csv(request, pk: int):
    statement = get_for_user_or_404(Statement.objects.select_related("dsp"), request.user, pk=pk)
    response = HttpResponse(statement_csv_text(statement), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="{statement_filename(statement, "csv")}"'
    )
    return response


@role_required(*STAFF_AND_MANAGERS)
def statement_pdf_view(request, pk: int):
    statement = get_for_user_or_404(Statement.objects.select_related("dsp"), request.user, pk=pk)
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{statement_filename(statement, "pdf")}"'
    )
    return response


@role_required(*STAFF_AND_MANAGERS)
def line_evidence(request, pk: int):
    line = get_for_user_or_404(
        StatementLine.objects.select_related("statement__dsp"), request.user, pk=pk
    )
    return render(
        request,
        "billing/line_evidence.html",
        {
            "line": line,
            "evidence": selectors.line_evidence(line),
        },
    )


@role_required(Role.OWNER, Role.DISPATCHER, Role.PROGRAM_STAFF)
def dispute_open(request, pk: int):
    line = get_for_user_or_404(
        StatementLine.objects.select_related("statement__dsp"), request.user, pk=pk
    )
    errors: dict = {}
    if request.method == "POST":
        try:
            amount = Decimal(request.POST.get("amount") or "0")
        except InvalidOperation:
            errors = {"amount": ["Give an amount as a number."]}
        else:
            try:
                services.dispute_open(
                    line=line,
                    by=request.user,
                    message=request.POST.get("message", ""),
                    amount=amount,
                )
                messages.success(request, "Dispute opened. Program staff will answer it.")
                return redirect("billing:statement-detail", pk=line.statement_id)
            except ValidationError as e:
                errors = e.message_dict
    return render(request, "billing/dispute_form.html", {"line": line, "errors": errors})


@role_required(*STAFF_AND_MANAGERS)
def dispute_list(request):
    page = Paginator(selectors.dispute_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "billing/dispute_list.html", {"page": page})


@require_POST
@role_required(Role.PROGRAM_STAFF)
def dispute_resolve(request, pk: int):
    dispute = get_for_user_or_404(Dispute, request.user, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("uphold", "reject"):
        return HttpResponse("Choose to uphold or reject.", status=400)
    try:
        services.dispute_resolve(
            dispute=dispute,
            upheld=decision == "uphold",
            resolution=request.POST.get("resolution", ""),
        )
        messages.success(request, "Dispute resolved.")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("billing:dispute-list")


# --- Finances and payroll -------------------------------------------------------------------


@role_required(Role.OWNER)
def finances(request):
    dsp = dsp_for_write(request.user)
    errors: dict = {}
    if request.method == "POST":
        try:
            services.finance_settings_update(
                dsp=dsp,
                cash_on_hand=Decimal(request.POST.get("cash_on_hand") or "0"),
                reserve_threshold=Decimal(request.POST.get("reserve_threshold") or "0"),
            )
            return redirect("billing:finances")
        except InvalidOperation:
            errors = {"reserve_threshold": ["Give amounts as numbers."]}
        except ValidationError as e:
            errors = e.message_dict
    data = selectors.finances(dsp=dsp)
    outlook = data["outlook"]
    chart = {
        "weeks": [w["week_start"].isoformat() for w in data["history"]],
        "revenue": [float(w["revenue"]) for w in data["history"]],
        "expenses": [float(w["total_expenses"]) for w in data["history"]],
        "profit": [float(w["profit"]) for w in data["history"]],
        "projection_weeks": [p["week_start"].isoformat() for p in data["projection"]],
        "cash": [float(p["cash"]) for p in data["projection"]],
        "cash_if_drop": [float(p["cash_if_drop"]) for p in data["projection"]],
        "drop_label": (
            f"If the tier drops to {outlook['drop_tier_label']}"
            if outlook["drop_tier"] and outlook["drop_tier"] != outlook["tier"]
            else ""
        ),
        "reserve": float(data["settings"].reserve_threshold),
    }
    return render(
        request,
        "billing/finances.html",
        {
            "data": data,
            "chart": chart,
            "errors": errors,
            "dsp": dsp,
            "overtime_after": settings.BILLING_OVERTIME_AFTER_HOURS,
        },
    )


@role_required(Role.OWNER, Role.DISPATCHER)
def driver_pay_csv(request):
    dsp = dsp_for_write(request.user)
    asked = parse_day(request.GET.get("week"), field="week", default=None)
    week = week_start_of(asked or dsp.station.today() - timedelta(days=7))
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="driver-pay-{week}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "driver",
            "week",
            "planned hours",
            "actual hours",
            "regular hours",
            "overtime hours",
            "hourly rate",
            "gross wages",
        ]
    )
    for row in selectors.driver_hours(dsp=dsp, week_start=week):
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    str(row["driver"]),
                    week,
                    row["planned_hours"],
                    row["actual_hours"],
                    row["regular_hours"],
                    row["overtime_hours"],
                    row["rate"],
                    row["wages"],
                )
            ]
        )
    return response


# --- Rates, peak periods and thresholds --------------------------------------------------------


def _station_choice(request):
    """The station a rates page is about: the DSP's own, or the one staff picked."""
    stations = selectors.station_list(user=request.user)
    wanted = request.POST.get("station") or request.GET.get("station")
    if wanted and str(wanted).isdigit():
        chosen = stations.filter(pk=wanted).first()
        if chosen:
            return chosen, stations
    return selectors.home_station(user=request.user) or stations.first(), stations


@role_required(*STAFF_AND_MANAGERS)
def rate_list(request):
    """Rate card versions and peak periods by date, newest first; program staff add versions."""
    station, stations = _station_choice(request)
    rates = Paginator(selectors.rate_card_list(user=request.user, station=station), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "billing/rate_list.html",
        {
            "station": station,
            "stations": stations,
            "rates": rates,
            "current": selectors.rate_card_current(station=station) if station else None,
            "peaks": selectors.peak_period_list(user=request.user, station=station)[:50],
            "is_staff": is_program_staff(request.user),
        },
    )


@role_required(Role.PROGRAM_STAFF)
def rate_create(request):
    """A new rate card version, prefilled from the one in force."""
    station, stations = _station_choice(request)
    if request.method == "POST":
        form = RateCardForm(request.POST, stations=stations)
        if form.is_valid():
            values = form.values()
            try:
                card = services.rate_card_create(
                    station=values.pop("station"),
                    effective_from=values.pop("effective_from"),
                    by=request.user,
                    **values,
                )
            except ValidationError as e:
                show_service_errors(form, e)
            else:
                messages.success(request, f"Rates from {card.effective_from:%Y-%m-%d} saved.")
                return redirect(f"{reverse('billing:rate-list')}?station={card.station_id}")
    else:
        current = selectors.rate_card_current(station=station) if station else None
        initial = RateCardForm.initial_from(current)
        if station:
            initial |= {"station": station.pk, "effective_from": services.first_open_week(station)}
        form = RateCardForm(initial=initial, stations=stations)
    return render(request, "billing/rate_form.html", {"form": form, "station": station})


@role_required(Role.PROGRAM_STAFF)
def peak_create(request):
    """A peak-season period at a station."""
    station, stations = _station_choice(request)
    if request.method == "POST":
        form = PeakPeriodForm(request.POST, stations=stations)
        if form.is_valid():
            try:
                period = services.peak_period_create(**form.cleaned_data, by=request.user)
            except ValidationError as e:
                show_service_errors(form, e)
            else:
                messages.success(request, f"{period.name} saved.")
                return redirect(f"{reverse('billing:rate-list')}?station={period.station_id}")
    else:
        initial = {"station": station.pk if station else None, "name": "Peak season"}
        if station:
            initial["starts_on"] = services.first_open_week(station)
        form = PeakPeriodForm(initial=initial, stations=stations)
    return render(request, "billing/peak_form.html", {"form": form, "station": station})


@role_required(*STAFF_AND_MANAGERS)
def threshold_list(request):
    """Scorecard threshold versions by the week they start, newest first."""
    station, stations = _station_choice(request)
    rows = Paginator(selectors.threshold_set_list(user=request.user, station=station), 10).get_page(
        request.GET.get("page")
    )
    versions = [
        {
            "row": row,
            "metrics": [
                {
                    "spec": spec,
                    "bounds": row.thresholds.get(spec.key, []),
                    "weight": row.weights.get(spec.key, 0),
                }
                for spec in METRICS
            ],
        }
        for row in rows
    ]
    return render(
        request,
        "billing/threshold_list.html",
        {
            "station": station,
            "stations": stations,
            "page": rows,
            "versions": versions,
            "in_force": thresholds_for(station, station.today()) if station else None,
            "is_staff": is_program_staff(request.user),
        },
    )


@role_required(Role.PROGRAM_STAFF)
def threshold_create(request):
    """A new threshold version from a week on, prefilled from the one in force."""
    station, stations = _station_choice(request)
    if request.method == "POST":
        form = ThresholdSetForm(request.POST, stations=stations)
        if form.is_valid():
            try:
                row = services.threshold_set_save(
                    station=form.cleaned_data["station"],
                    week_start=form.cleaned_data["week_start"],
                    thresholds=form.thresholds(),
                    weights=form.weights(),
                    escalation_cap=form.cleaned_data["escalation_cap"],
                    by=request.user,
                )
            except ValidationError as e:
                show_service_errors(form, e)
            else:
                messages.success(request, f"Thresholds from {row.week_start:%Y-%m-%d} saved.")
                return redirect(f"{reverse('billing:threshold-list')}?station={row.station_id}")
    else:
        initial = {}
        if station:
            current = thresholds_for(station, station.today())
            initial = ThresholdSetForm.initial_from(current)
            initial["week_start"] = services.first_open_week(station)
        form = ThresholdSetForm(initial=initial, stations=stations)
    return render(request, "billing/threshold_form.html", {"form": form, "station": station})
