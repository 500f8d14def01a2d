"""Compliance pages: actions (staff record, owners answer), offboarding's guided flow."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dsps.models import Dsp, Role
from dsps.selectors import dsp_list
from dsps.tenancy import dsp_for_write, get_for_user_or_404, role_required
from nextmile.dates import parse_day
from nextmile.uploads import serve_upload

from . import selectors, services
from .models import ActionResponse, ComplianceAction, Offboarding

READERS = (Role.PROGRAM_STAFF, Role.OWNER)
STAFF = (Role.PROGRAM_STAFF,)


def _date(value: str, field: str) -> date | None:
    return parse_day(value, field=field)


@role_required(*READERS)
def action_list(request):
    dsp = request.GET.get("dsp")
    kind = request.GET.get("kind") or None
    rows = selectors.action_list(
        user=request.user, dsp=int(dsp) if dsp and dsp.isdigit() else None, kind=kind
    )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "compliance/action_list.html",
        {
            "page": page,
            "kinds": ComplianceAction.Kind.choices,
            "kind": kind,
            "dsps": dsp_list(user=request.user).exclude(status=Dsp.Status.APPLYING),
            "dsp_filter": dsp,
            "offboardings": selectors.offboarding_list(user=request.user)[:20],
        },
    )


@role_required(*STAFF)
def action_create(request):
    """Pick a DSP (GET ?dsp=), then record an action citing its own records."""
    source = request.POST if request.method == "POST" else request.GET
    dsp_id = source.get("dsp") or ""
    dsp = (
        get_for_user_or_404(Dsp.objects.select_related("station"), request.user, pk=dsp_id)
        if dsp_id.isdigit()
        else None
    )
    errors: dict = {}
    if request.method == "POST":
        try:
            if dsp is None:
                raise ValidationError({"dsp": "Choose the DSP."})
            if request.POST.get("kind") == ComplianceAction.Kind.TERMINATION and not (
                request.POST.get("confirm")
            ):
                preview = services.action_termination_preview(
                    dsp=dsp,
                    by=request.user,
                    reason=request.POST.get("reason", ""),
                    effective_on=_date(request.POST.get("effective_on", ""), "effective_on"),
                )
                return render(
                    request,
                    "compliance/termination_confirm.html",
                    {
                        "preview": preview,
                        "reason": request.POST.get("reason", ""),
                        "cancel": f"{reverse('compliance:action-create')}?dsp={dsp.pk}",
                        "hidden": [
                            (key, value)
                            for key in request.POST
                            if key not in ("csrfmiddlewaretoken", "confirm")
                            for value in request.POST.getlist(key)
                        ],
                    },
                )
            action = services.action_create(
                dsp=dsp,
                kind=request.POST.get("kind", ""),
                reason=request.POST.get("reason", ""),
                by=request.user,
                evidence={
                    key: request.POST.getlist(key)
                    for key in ("incidents", "scorecards", "inspections")
                },
                due_on=_date(request.POST.get("due_on", ""), "due_on"),
                amount=request.POST.get("amount") or None,
                starts_on=_date(request.POST.get("starts_on", ""), "starts_on"),
                ends_on=_date(request.POST.get("ends_on", ""), "ends_on"),
                effective_on=_date(request.POST.get("effective_on", ""), "effective_on"),
                confirm=request.POST.get("confirm") or None,
            )
        except ValidationError as e:
            errors = e.message_dict
        else:
            messages.success(request, f"{action.get_kind_display()} recorded; the owner is told.")
            return redirect("compliance:action-detail", pk=action.pk)
    return render(
        request,
        "compliance/action_form.html",
        {
            "dsp": dsp,
            "dsps": dsp_list(user=request.user).filter(
                status__in=[Dsp.Status.ACTIVE, Dsp.Status.SUSPENDED, Dsp.Status.TERMINATED]
            ),
            "options": selectors.evidence_options(dsp=dsp) if dsp else {},
            "kinds": [c for c in ComplianceAction.Kind.choices if c[0] in services.CREATABLE],
            "errors": errors,
            "data": request.POST if request.method == "POST" else {},
        },
    )


@role_required(*READERS)
def action_detail(request, pk: int):
    """The action, its evidence and the thread of answers; a POST adds an answer."""
    action = get_for_user_or_404(
        ComplianceAction.objects.select_related("dsp", "created_by", "acknowledged_by", "lifts"),
        request.user,
        pk=pk,
    )
    errors: dict = {}
    if request.method == "POST":
        try:
            services.action_respond(
                action=action,
                by=request.user,
                message=request.POST.get("message", ""),
                document=request.FILES.get("document"),
            )
        except ValidationError as e:
            errors = e.message_dict
        else:
            messages.success(request, "Your answer was added.")
            return redirect("compliance:action-detail", pk=action.pk)
    return _detail(request, action, errors)


def _detail(request, action: ComplianceAction, errors: dict, status: int = 200):
    return render(
        request,
        "compliance/action_detail.html",
        {
            "action": action,
            "evidence": selectors.evidence_records(action=action),
            "responses": selectors.response_list(user=request.user, action=action),
            "lifted": action.lifted_by.first(),
            "errors": errors,
        },
        status=status,
    )


@require_POST
@role_required(*READERS)
def action_acknowledge(request, pk: int):
    action = get_for_user_or_404(ComplianceAction, request.user, pk=pk)
    try:
        services.action_acknowledge(action=action, by=request.user)
    except ValidationError as e:
        return _detail(request, action, e.message_dict, status=400)
    messages.success(request, "Plan acknowledged.")
    return redirect("compliance:action-detail", pk=action.pk)


@require_POST
@role_required(*STAFF)
def action_lift(request, pk: int):
    action = get_for_user_or_404(ComplianceAction, request.user, pk=pk)
    try:
        services.action_lift(action=action, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as e:
        return _detail(request, action, e.message_dict, status=400)
    messages.success(request, "Suspension lifted; the DSP may be planned again.")
    return redirect("compliance:action-detail", pk=action.pk)


@role_required(*READERS)
def response_document(request, pk: int):
    response = get_for_user_or_404(ActionResponse, request.user, pk=pk)
    if not response.document:
        raise Http404("No document.")
    return serve_upload(response.document, filename=response.document_name or None)


# --- Offboarding ----------------------------------------------------------------------------


@role_required(*READERS)
def offboarding_detail(request, pk: int):
    offboarding = get_for_user_or_404(
        Offboarding.objects.select_related("dsp__station", "final_statement", "action"),
        request.user,
        pk=pk,
    )
    return _offboarding_page(request, offboarding, {})


def _offboarding_page(request, offboarding, errors: dict, status: int = 200):
    context = {"offboarding": offboarding, "errors": errors}
    if offboarding.leases_ended_at is None and request.user.is_authenticated:
        context |= selectors.offboarding_lease_choices(offboarding=offboarding)
    return render(request, "compliance/offboarding_detail.html", context, status=status)


def _transfers(post) -> dict[str, str]:
    """`transfer_<lease id>` = the receiving DSP's id; empty means end the lease."""
    return {
        key.removeprefix("transfer_"): value
        for key, value in post.items()
        if key.startswith("transfer_") and value
    }


@require_POST
@role_required(*STAFF)
def offboarding_step(request, pk: int):
    """A step asked for shows its confirmation first (what it will do, with the action on the
    button); the confirmed step runs unless its figures changed in between."""
    offboarding = get_for_user_or_404(Offboarding, request.user, pk=pk)
    step = request.POST.get("step", "")
    transfers = _transfers(request.POST) if step == "leases" else None
    try:
        if not request.POST.get("confirm"):
            preview = services.offboarding_step_check(
                offboarding=offboarding, step=step, by=request.user, transfers=transfers
            )
            hidden = [("step", step)] + [(f"transfer_{k}", v) for k, v in (transfers or {}).items()]
            return render(
                request,
                "compliance/offboarding_step_confirm.html",
                {"offboarding": offboarding, "preview": preview, "hidden": hidden},
            )
        services.offboarding_step(
            offboarding=offboarding,
            step=step,
            by=request.user,
            transfers=transfers,
            confirm=request.POST["confirm"],
        )
    except ValidationError as e:
        offboarding.refresh_from_db()
        return _offboarding_page(request, offboarding, e.message_dict, status=400)
    messages.success(request, "Step done.")
    return redirect("compliance:offboarding-detail", pk=offboarding.pk)


@role_required(Role.OWNER)
def exit_start(request):
    """The owner starts a voluntary exit of their own DSP."""
    dsp = dsp_for_write(request.user)
    errors: dict = {}
    if request.method == "POST":
        try:
            offboarding = services.offboarding_start(
                dsp=dsp,
                kind=Offboarding.Kind.VOLUNTARY,
                effective_on=_date(request.POST.get("effective_on", ""), "effective_on"),
                by=request.user,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as e:
            errors = e.message_dict
        else:
            messages.success(request, "Your exit is recorded; the program team guides the rest.")
            return redirect("compliance:offboarding-detail", pk=offboarding.pk)
    return render(request, "compliance/exit_form.html", {"dsp": dsp, "errors": errors})
