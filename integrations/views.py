"""Webhook pages: subscriptions (list, register, edit, disable, secret) and the delivery log."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dsps.models import Role
from dsps.selectors import station_list
from dsps.tenancy import WEBHOOK, get_for_user_or_404, is_program_staff, role_required
from nextmile.forms import show_service_errors

from . import selectors, services
from .forms import SubscriptionEditForm, SubscriptionForm
from .models import WebhookDelivery, WebhookSubscription

HOLDERS = (Role.PROGRAM_STAFF, Role.OWNER)
PAGE_SIZE = 25


@role_required(*HOLDERS)
def subscription_list(request):
    page = Paginator(selectors.subscription_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "integrations/subscription_list.html", {"page": page})


def _show_secret(request, subscription: WebhookSubscription, secret: str, why: str):
    # Rendered, never redirected: the secret is in no URL, session or message store.
    response = render(
        request,
        "integrations/secret.html",
        {"subscription": subscription, "secret": secret, "why": why},
    )
    response["Cache-Control"] = "no-store"
    return response


@role_required(*HOLDERS, power=WEBHOOK)
def subscription_create(request):
    stations = station_list(user=request.user) if is_program_staff(request.user) else None
    form = SubscriptionForm(request.POST or None, stations=stations)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.subscription_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            return _show_secret(request, subscription, subscription.secret, "created")
    return render(request, "integrations/subscription_form.html", {"form": form})


@role_required(*HOLDERS)
def subscription_detail(request, pk: int):
    """Its settings (edit, enable or disable here), its secret's actions and latest deliveries."""
    subscription = get_for_user_or_404(
        WebhookSubscription.objects.select_related("dsp", "station"), request.user, pk=pk
    )
    initial = {
        "url": subscription.url,
        "description": subscription.description,
        "events": subscription.events,
        "is_active": subscription.is_active,
    }
    form = SubscriptionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(
                subscription=subscription, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Webhook saved.")
            return redirect("integrations:subscription-detail", pk=subscription.pk)
    recent = selectors.delivery_list(user=request.user, subscription=subscription)[:10]
    return render(
        request,
        "integrations/subscription_detail.html",
        {"subscription": subscription, "form": form, "recent": recent},
    )


@require_POST
@role_required(*HOLDERS)
def subscription_toggle(request, pk: int):
    subscription = get_for_user_or_404(WebhookSubscription, request.user, pk=pk)
    services.subscription_update(
        subscription=subscription, by=request.user, is_active=not subscription.is_active
    )
    messages.success(
        request, "Webhook enabled." if not subscription.is_active else "Webhook disabled."
    )
    return redirect("integrations:subscription-detail", pk=subscription.pk)


@require_POST
@role_required(*HOLDERS)
def subscription_secret(request, pk: int):
    subscription = get_for_user_or_404(WebhookSubscription, request.user, pk=pk)
    secret = services.subscription_secret_reveal(subscription=subscription, by=request.user)
    return _show_secret(request, subscription, secret, "revealed")


@require_POST
@role_required(*HOLDERS)
def subscription_rotate(request, pk: int):
    subscription = get_for_user_or_404(WebhookSubscription, request.user, pk=pk)
    subscription = services.subscription_secret_rotate(subscription=subscription, by=request.user)
    return _show_secret(request, subscription, subscription.secret, "rotated")


# --- Delivery log ---------------------------------------------------------------------------


@role_required(*HOLDERS)
def delivery_list(request):
    subscription = None
    if (request.GET.get("subscription") or "").isdigit():
        subscription = get_for_user_or_404(
            WebhookSubscription, request.user, pk=int(request.GET["subscription"])
        )
    status = request.GET.get("status") or ""
    deliveries = selectors.delivery_list(
        user=request.user, subscription=subscription, status=status
    )
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "integrations/delivery_list.html",
        {
            "page": page,
            "subscription": subscription,
            "status": status,
            "statuses": WebhookDelivery.Status.choices,
        },
    )


@role_required(*HOLDERS)
def delivery_detail(request, pk: int):
    delivery = get_for_user_or_404(
        WebhookDelivery.objects.select_related("subscription__dsp"), request.user, pk=pk
    )
    return render(
        request,
        "integrations/delivery_detail.html",
        {
            "delivery": delivery,
            "attempts": delivery.attempts.order_by("number"),
            "payload_json": json.dumps(delivery.payload, indent=2, sort_keys=True),
        },
    )


@require_POST
@role_required(*HOLDERS)
def delivery_resend(request, pk: int):
    delivery = get_for_user_or_404(WebhookDelivery, request.user, pk=pk)
    try:
        services.delivery_resend(delivery=delivery, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Event {delivery.event_id} queued to be sent again.")
    return redirect("integrations:delivery-detail", pk=delivery.pk)
