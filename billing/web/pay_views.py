"""Pay pages: a driver's own week on the phone, the owner's view per driver, pay questions
and the DSP's incentive table. Thin: parse, call `billing.pay.week`, render."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from billing.models import PayDiscrepancy
from billing.pay import week as pay
from drivers.models import Driver
from dsps.models import Role
from dsps.tenancy import dsp_for_write, get_for_user_or_404, has_role, role_required
from nextmile.dates import parse_day
from routes.models import Route


def _week(request, driver: Driver) -> date:
    return pay.pay_week_start(request.GET.get("week"), today=driver.dsp.station.today())


def _week_context(week: dict) -> dict:
    return {
        "week": week,
        "previous_week": week.week_start - timedelta(days=7),
        "next_week": week.week_start + timedelta(days=7),
    }


def _optional_date(value: str | None, field: str) -> date | None:
    return parse_day(value, field=field)


@role_required(Role.DRIVER)
def pay_mine(request):
    """The driver's own week, and a form to flag something wrong with it."""
    driver = get_for_user_or_404(Driver.objects.select_related("dsp__station"), request.user)
    week_start = _week(request, driver)
    errors: dict = {}
    if request.method == "POST":
        week_start = pay.pay_week_start(
            request.POST.get("week_start"), today=driver.dsp.station.today()
        )
        try:
            route = None
            if request.POST.get("route"):
                route = get_for_user_or_404(Route, request.user, pk=request.POST["route"])
            pay.discrepancy_open(
                driver=driver,
                week_start=week_start,
                message=request.POST.get("message", ""),
                day=_optional_date(request.POST.get("day"), "day"),
                route=route,
            )
            messages.success(request, "Sent to your DSP. Their answer will show here.")
            return redirect(f"{reverse('billing:pay-mine')}?week={week_start.isoformat()}")
        except ValidationError as e:
            errors = e.message_dict
    week = pay.pay_week(driver=driver, week_start=week_start)
    return render(
        request,
        "billing/pay_mine.html",
        {**_week_context(week), "errors": errors, "form": request.POST},
    )


@role_required(Role.OWNER)
def pay_drivers(request):
    """The owner's week: every driver's hours, overtime, wages and open questions."""
    dsp = dsp_for_write(request.user)
    week_start = pay.pay_week_start(request.GET.get("week"), today=dsp.station.today())
    return render(
        request,
        "billing/pay_drivers.html",
        {
            "rows": pay.pay_drivers(dsp=dsp, week_start=week_start),
            "week_start": week_start,
            "previous_week": week_start - timedelta(days=7),
            "next_week": week_start + timedelta(days=7),
        },
    )


@role_required(Role.OWNER, Role.PROGRAM_STAFF)
def pay_driver(request, pk: int):
    """The same week view the driver sees, for the owner."""
    driver = get_for_user_or_404(Driver.objects.select_related("dsp__station"), request.user, pk=pk)
    week = pay.pay_week(driver=driver, week_start=_week(request, driver))
    return render(request, "billing/pay_driver.html", _week_context(week))


@role_required(Role.OWNER)
def pay_questions(request):
    """The DSP's pay questions, open ones first."""
    rows = pay.discrepancy_list(user=request.user).order_by("-status", "-created_at", "-id")
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "billing/pay_questions.html", {"page": page})


@role_required(Role.OWNER, Role.DRIVER, Role.PROGRAM_STAFF)
def pay_question(request, pk: int):
    """One pay question; the owner answers it here."""
    row = get_for_user_or_404(
        PayDiscrepancy.objects.select_related("driver", "route"), request.user, pk=pk
    )
    errors: dict = {}
    if request.method == "POST":
        if not has_role(request.user, Role.OWNER):
            raise PermissionDenied("Only the DSP's owner answers pay questions.")
        try:
            pay.discrepancy_answer(
                discrepancy=row, answer=request.POST.get("answer", ""), by=request.user
            )
            messages.success(request, f"Answer sent to {row.driver}.")
            url = reverse("billing:pay-driver", args=[row.driver_id])
            return redirect(f"{url}?week={row.week_start.isoformat()}")
        except ValidationError as e:
            errors = e.message_dict
    return render(request, "billing/pay_question.html", {"q": row, "errors": errors})


@role_required(Role.OWNER)
def pay_incentives(request):
    """The owner's table: what drivers earn per delivered package at each scorecard tier."""
    dsp = dsp_for_write(request.user)
    errors: dict = {}
    if request.method == "POST":
        rates = {}
        for row in pay.incentive_table(dsp=dsp):
            raw = (request.POST.get(row["tier"]) or "0").strip()
            try:
                rates[row["tier"]] = Decimal(raw)
            except InvalidOperation:
                errors[row["tier"]] = ["Give an amount such as 0.05."]
        if not errors:
            try:
                pay.incentive_table_set(dsp=dsp, rates=rates)
                messages.success(request, "Incentive table saved.")
                return redirect("billing:pay-incentives")
            except ValidationError as e:
                errors = e.message_dict
    return render(
        request,
        "billing/pay_incentives.html",
        {"table": pay.incentive_table(dsp=dsp), "errors": errors, "form": request.POST},
    )
