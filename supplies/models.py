"""Supplies data: the program's catalogue and a DSP's orders from it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from drivers.models import Driver
from dsps.models import Dsp, TimeStampedModel

MONEY = {"max_digits": 12, "decimal_places": 2}


class CatalogItem(TimeStampedModel):
    """Something program staff offer DSPs at a program price: a uniform kit (in sizes), a
    piece of equipment or a partner service. DSPs see only published items."""

    class Kind(models.TextChoices):
        UNIFORM = "uniform", "Uniform"
        EQUIPMENT = "equipment", "Equipment"
        SERVICE = "service", "Partner service"

    SHARED_REFERENCE = True  # every signed-in user may read the catalogue; staff edit it

    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    contents = models.CharField(
        max_length=200, blank=True, help_text="what a kit holds, e.g. shirt, jacket, cap"
    )
    sizes = models.JSONField(default=list, blank=True, help_text="sizes offered, e.g. S, M, L")
    partner = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=40, default="each", help_text="kit, each, per month…")
    price = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    published = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind == self.Kind.UNIFORM and not self.sizes:
            raise ValidationError({"sizes": "A uniform needs the sizes it comes in."})


class Order(TimeStampedModel):
    """A DSP's order; program staff move it placed → confirmed → shipped → delivered (or
    cancel it before it ships). Its total counts in the DSP's expenses on `placed_on`."""

    class Status(models.TextChoices):
        PLACED = "placed", "Placed"
        CONFIRMED = "confirmed", "Confirmed"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    NEXT = {
        Status.PLACED: (Status.CONFIRMED, Status.CANCELLED),
        Status.CONFIRMED: (Status.SHIPPED, Status.CANCELLED),
        Status.SHIPPED: (Status.DELIVERED,),
        Status.DELIVERED: (),
        Status.CANCELLED: (),
    }

    TENANT_PATH = "dsp"

    dsp = models.ForeignKey(Dsp, on_delete=models.PROTECT, related_name="supply_orders")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_on = models.DateField(help_text="the station's date when the order was placed")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLACED)
    note = models.CharField(max_length=300, blank=True)
    total = models.DecimalField(**MONEY, default=Decimal(0))

    class Meta:
        ordering = ["-placed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Order #{self.pk} of {self.dsp}"

    @property
    def next_statuses(self) -> tuple:
        return self.NEXT[self.status]


class OrderLine(models.Model):
    """quantity × unit price = amount; a line may name the driver it is for."""

    TENANT_PATH = "order__dsp"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="order_lines")
    driver = models.ForeignKey(
        Driver, on_delete=models.PROTECT, null=True, blank=True, related_name="supply_lines"
    )
    size = models.CharField(max_length=20, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(**MONEY)
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="order_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item}{f' ({self.size})' if self.size else ''}"
