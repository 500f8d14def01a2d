"""Supplies pages: the catalogue, staff editing it, owners ordering, orders and their status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from dsps.models import Role
from dsps.tenancy import ORDER, dsp_for_write, get_for_user_or_404, require_role, role_required
from nextmile.forms import show_service_errors

from . import selectors, services
from .forms import CatalogItemForm, parse_order_lines
from .models import CatalogItem, Order

STAFF = (Role.PROGRAM_STAFF,)
READERS = (Role.PROGRAM_STAFF, Role.OWNER, Role.DISPATCHER)
BLANK_LINES = 3
SIZE_ORDER = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "2XL", "3XL", "4XL"]


def _size_order(size: str) -> tuple:
    return (SIZE_ORDER.index(size), "") if size in SIZE_ORDER else (len(SIZE_ORDER), size)


@role_required(*READERS)
def catalog(request):
    kind = request.GET.get("kind")
    kind = kind if kind in CatalogItem.Kind.values else None
    page = Paginator(selectors.catalog_list(user=request.user, kind=kind), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "supplies/catalog.html",
        {"page": page, "kind": kind, "kinds": CatalogItem.Kind.choices},
    )


@role_required(*STAFF)
def item_edit(request, pk: int | None = None):
    """Program staff add a catalogue item or edit one (publishing is audited)."""
    item = get_for_user_or_404(CatalogItem, request.user, pk=pk) if pk else None
    initial = CatalogItemForm.initial_for(item) if item else None
    form = CatalogItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.catalog_item_save(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("supplies:catalog")
    return render(request, "supplies/item_form.html", {"form": form, "item": item})


@role_required(*READERS)
def order_list(request):
    status = request.GET.get("status")
    status = status if status in Order.Status.values else None
    page = Paginator(selectors.order_list(user=request.user, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "supplies/order_list.html",
        {"page": page, "status": status, "statuses": Order.Status.choices},
    )


@role_required(Role.OWNER, power=ORDER)
def order_create(request):
    """A multi-line order; `?suggest=1` starts with a uniform kit per new hire without one."""
    dsp = dsp_for_write(request.user)
    items = list(selectors.catalog_list(user=request.user))
    drivers = selectors.order_drivers(dsp=dsp)
    suggested = selectors.uniform_suggestions(dsp=dsp, today=dsp.station.today())
    errors: list[str] = []
    rows: list[dict] = []
    note = ""
    if request.method == "POST":
        lines, rows = parse_order_lines(request.POST)
        note = request.POST.get("note", "")
        try:
            order = services.order_place(dsp=dsp, by=request.user, lines=lines, note=note)
        except ValidationError as error:
            errors = error.message_dict.get("lines", error.messages)
        else:
            messages.success(request, f"Order #{order.pk} placed: ${order.total}.")
            return redirect("supplies:order-detail", pk=order.pk)
    elif request.GET.get("suggest"):
        kit = next((i for i in items if i.kind == CatalogItem.Kind.UNIFORM), None)
        if kit:
            rows = [
                {"item": str(kit.pk), "quantity": "1", "size": "", "driver": str(d.pk)}
                for d in suggested
            ]
    rows = rows + [{"item": "", "quantity": "", "size": "", "driver": ""}] * BLANK_LINES
    sizes = sorted({s for i in items for s in i.sizes}, key=_size_order)
    return render(
        request,
        "supplies/order_form.html",
        {
            "items": items,
            "drivers": drivers,
            "suggested": suggested,
            "rows": rows,
            "sizes": sizes,
            "errors": errors,
            "note": note,
        },
    )


@role_required(*READERS)
def order_detail(request, pk: int):
    """One order; program staff move its status here."""
    order = get_for_user_or_404(
        Order.objects.select_related("dsp", "placed_by"), request.user, pk=pk
    )
    error = ""
    if request.method == "POST":
        require_role(request.user, *STAFF)
        try:
            services.order_status_set(
                order=order,
                status=request.POST.get("status", ""),
                by=request.user,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as e:
            error = " ".join(e.messages)
        else:
            messages.success(request, "Order updated.")
            return redirect("supplies:order-detail", pk=order.pk)
    return render(
        request,
        "supplies/order_detail.html",
        {"order": order, "lines": selectors.order_lines(order=order), "error": error},
    )
