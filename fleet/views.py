"""Fleet pages: thin — parse, call one service or selector, render."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dsps.models import DSP_MANAGER_ROLES, STAFF_AND_MANAGERS, Role
from dsps.tenancy import LEASE, dsp_for_write, get_for_user_or_404, require_role, role_required
from nextmile.forms import show_service_errors
from nextmile.uploads import serve_upload

from . import selectors, services
from .forms import (
    GroundForm,
    InspectionForm,
    InsuranceOptionForm,
    InsurancePolicyForm,
    LeaseForm,
    OfferForm,
    RepairForm,
    ScheduleForm,
)
from .models import Inspection, InspectionItem, Lease, Vehicle, VehicleOffer

EVERYONE = (Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES, Role.DRIVER)


def _first_error(error: ValidationError) -> str:
    return (
        " ".join(m for messages_ in error.message_dict.values() for m in messages_)
        if hasattr(error, "error_dict")
        else " ".join(error.messages)
    )


# --- Fleet list and vehicle detail ----------------------------------------------------------


@role_required(*STAFF_AND_MANAGERS)
def vehicle_index(request):
    status = request.GET.get("status") or None
    kind = request.GET.get("kind") or None
    search = (request.GET.get("q") or "").strip() or None
    vans = selectors.vehicle_list(user=request.user, status=status, kind=kind, search=search)
    page = Paginator(vans, 25).get_page(request.GET.get("page"))
    today = selectors.today_for(request.user)
    series = selectors.fleet_size_series(
        user=request.user, start=today - timedelta(days=84), end=today + timedelta(days=56)
    )
    query = "&".join(
        f"{k}={v}" for k, v in (("status", status), ("kind", kind), ("q", search)) if v
    )
    return render(
        request,
        "fleet/vehicle_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "q": search or "",
            "query": query,
            "statuses": Vehicle.Status.choices,
            "kinds": Vehicle.Kind.choices,
            "counts": selectors.vehicle_status_counts(user=request.user),
            "alerts": selectors.fleet_alerts(user=request.user),
            "series": series,
            "today": today,
        },
    )


@role_required(*STAFF_AND_MANAGERS)
def vehicle_detail(request, pk: int):
    vehicle = get_for_user_or_404(
        Vehicle.objects.select_related("dsp__station", "offer"), request.user, pk=pk
    )
    today = selectors.today_for(request.user)
    month_start = today.replace(day=1)
    year_start = today.replace(month=1, day=1)
    return render(
        request,
        "fleet/vehicle_detail.html",
        {
            "vehicle": vehicle,
            "today": today,
            "leases": selectors.lease_list_for_vehicle(user=request.user, vehicle=vehicle),
            "policies": selectors.insurance_policy_list(user=request.user, vehicle=vehicle),
            "inspections": selectors.inspection_list(user=request.user, vehicle=vehicle)[:10],
            "maintenance": selectors.maintenance_due_list(
                user=request.user, vehicle=vehicle, include_ok=True
            ),
            "repairs": selectors.repair_list(user=request.user, vehicle=vehicle),
            "costs_month": selectors.vehicle_costs(vehicle=vehicle, start=month_start, end=today),
            "costs_year": selectors.vehicle_costs(vehicle=vehicle, start=year_start, end=today),
            "ground_form": GroundForm(),
        },
    )


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def vehicle_ground(request, pk: int):
    vehicle = get_for_user_or_404(Vehicle, request.user, pk=pk)
    form = GroundForm(request.POST)
    form.is_valid()
    try:
        services.vehicle_ground(
            vehicle=vehicle, by=request.user, reason=form.cleaned_data.get("reason", "")
        )
        messages.success(request, f"{vehicle.plate} is grounded until repaired and re-inspected.")
    except ValidationError as error:
        messages.error(request, _first_error(error))
    return redirect("fleet:vehicle-detail", pk=vehicle.pk)


# --- Leases ---------------------------------------------------------------------------------


@role_required(*DSP_MANAGER_ROLES, power=LEASE)
def lease_create(request):
    offers = selectors.offer_list(user=request.user, active_only=True)
    initial = {"starts_on": selectors.today_for(request.user)}
    if request.GET.get("offer"):
        initial["offer"] = request.GET["offer"]
    form = LeaseForm(request.POST or None, offers=offers, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lease = services.lease_create(dsp=dsp_for_write(request.user), **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, f"{lease.vehicle.plate} leased from {lease.starts_on}.")
            return redirect("fleet:vehicle-detail", pk=lease.vehicle_id)
    return render(request, "fleet/lease_form.html", {"form": form, "offers": offers})


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def lease_return(request, pk: int):
    lease = get_for_user_or_404(Lease.objects.select_related("vehicle"), request.user, pk=pk)
    try:
        services.lease_return(lease=lease)
        messages.success(request, f"{lease.vehicle.plate} is returned; its history stays here.")
    except ValidationError as error:
        messages.error(request, _first_error(error))
    return redirect("fleet:vehicle-detail", pk=lease.vehicle_id)


# --- Catalogue ------------------------------------------------------------------------------


@role_required(*EVERYONE)
def offer_index(request):
    return render(
        request, "fleet/offer_list.html", {"offers": selectors.offer_list(user=request.user)}
    )


@role_required(Role.PROGRAM_STAFF)
def offer_create(request):
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.vehicle_offer_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, f"{offer.name} is in the catalogue.")
            return redirect("fleet:offer-detail", pk=offer.pk)
    return render(request, "fleet/offer_form.html", {"form": form})


@role_required(*EVERYONE)
def offer_detail(request, pk: int):
    """Everyone reads a catalogue van; program staff edit it and add insurance options here."""
    offer = get_for_user_or_404(VehicleOffer, request.user, pk=pk)
    form = OfferForm(instance=offer, prefix="offer")
    option_form = InsuranceOptionForm(prefix="option")
    if request.method == "POST":
        require_role(request.user, Role.PROGRAM_STAFF)
        if "option-name" in request.POST:
            option_form = InsuranceOptionForm(request.POST, prefix="option")
            if option_form.is_valid():
                try:
                    services.insurance_option_create(
                        offer=offer, by=request.user, **option_form.cleaned_data
                    )
                except ValidationError as error:
                    show_service_errors(option_form, error)
                else:
                    messages.success(request, "Insurance option added.")
                    return redirect("fleet:offer-detail", pk=offer.pk)
        else:
            form = OfferForm(request.POST, instance=VehicleOffer(pk=offer.pk), prefix="offer")
            if form.is_valid():
                try:
                    services.vehicle_offer_update(offer=offer, by=request.user, **form.cleaned_data)
                except ValidationError as error:
                    show_service_errors(form, error)
                else:
                    messages.success(request, "Catalogue van updated.")
                    return redirect("fleet:offer-detail", pk=offer.pk)
    return render(
        request,
        "fleet/offer_detail.html",
        {"offer": offer, "form": form, "option_form": option_form},
    )


# --- Insurance ------------------------------------------------------------------------------


@role_required(*STAFF_AND_MANAGERS)
def insurance_index(request):
    if request.method == "POST":
        dsp_for_write(request.user)  # program staff read every DSP's policies but record none
    vehicles = selectors.vehicle_list(user=request.user).exclude(status=Vehicle.Status.RETURNED)
    form = InsurancePolicyForm(request.POST or None, vehicles=vehicles)
    if request.method == "POST" and form.is_valid():
        try:
            services.insurance_policy_create(dsp=dsp_for_write(request.user), **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Policy recorded.")
            return redirect("fleet:insurance")
    page = Paginator(selectors.insurance_policy_list(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "fleet/insurance.html",
        {
            "page": page,
            "form": form,
            "today": selectors.today_for(request.user),
            "alert_until": selectors.today_for(request.user) + timedelta(days=selectors.ALERT_DAYS),
        },
    )


# --- Inspections ----------------------------------------------------------------------------


@role_required(*EVERYONE)
def inspection_start(request):
    """The driver's first screen: pick the van to inspect."""
    return render(
        request,
        "fleet/inspection_start.html",
        {"vans": selectors.vehicle_for_inspection_list(user=request.user)},
    )


@role_required(*EVERYONE)
def inspection_create(request, pk: int):
    vehicle = get_for_user_or_404(Vehicle.objects.select_related("dsp"), request.user, pk=pk)
    form = InspectionForm(
        request.POST or None,
        request.FILES or None,
        initial={"odometer_km": vehicle.odometer_km or None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_submit(
                vehicle=vehicle,
                by=request.user,
                odometer_km=form.cleaned_data["odometer_km"],
                items=form.items(),
                notes=form.cleaned_data["notes"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            return redirect("fleet:inspection-detail", pk=inspection.pk)
    return render(request, "fleet/inspection_form.html", {"vehicle": vehicle, "form": form})


@role_required(*EVERYONE)
def inspection_detail(request, pk: int):
    inspection = get_for_user_or_404(
        Inspection.objects.select_related("vehicle", "inspector"), request.user, pk=pk
    )
    return render(
        request,
        "fleet/inspection_detail.html",
        {
            "inspection": inspection,
            "items": selectors.inspection_detail_items(inspection=inspection),
            "vehicle": inspection.vehicle,
        },
    )


@role_required(*EVERYONE)
def defect_photo(request, pk: int):
    item = get_for_user_or_404(InspectionItem, request.user, pk=pk)
    if not item.photo:
        raise Http404("No photo.")
    return serve_upload(item.photo)


@role_required(*STAFF_AND_MANAGERS)
def inspections_today(request):
    return render(
        request, "fleet/inspections_today.html", selectors.inspections_today(user=request.user)
    )


# --- Maintenance and repairs ----------------------------------------------------------------


@role_required(*STAFF_AND_MANAGERS)
def maintenance_index(request):
    return render(
        request,
        "fleet/maintenance.html",
        {
            "items": selectors.maintenance_due_list(
                user=request.user, include_ok=request.GET.get("all") == "1"
            ),
            "show_all": request.GET.get("all") == "1",
            "repairs": selectors.repair_list(user=request.user)[:25],
        },
    )


@role_required(*STAFF_AND_MANAGERS)
def schedule_create(request, pk: int):
    vehicle = get_for_user_or_404(Vehicle, request.user, pk=pk)
    form = ScheduleForm(
        request.POST or None, initial={"last_done_on": selectors.today_for(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.maintenance_schedule_create(vehicle=vehicle, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Maintenance schedule added.")
            return redirect("fleet:vehicle-detail", pk=vehicle.pk)
    return render(request, "fleet/schedule_form.html", {"vehicle": vehicle, "form": form})


@role_required(*STAFF_AND_MANAGERS)
def repair_create(request, pk: int):
    vehicle = get_for_user_or_404(Vehicle, request.user, pk=pk)
    schedules = vehicle.maintenance_schedules.all()
    initial = {"performed_on": selectors.today_for(request.user)}
    if request.GET.get("schedule"):
        initial.update(kind="service", schedule=request.GET["schedule"])
    form = RepairForm(request.POST or None, schedules=schedules, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.repair_log(vehicle=vehicle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            note = (
                " Once a follow-up inspection passes it goes back into service."
                if vehicle.status == Vehicle.Status.GROUNDED
                else ""
            )
            messages.success(request, f"Work on {vehicle.plate} logged.{note}")
            return redirect(reverse("fleet:vehicle-detail", kwargs={"pk": vehicle.pk}))
    return render(request, "fleet/repair_form.html", {"vehicle": vehicle, "form": form})
