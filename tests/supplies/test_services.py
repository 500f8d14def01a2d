import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.selectors import week_pnl
from dsps.models import AuditEvent, Role
from supplies.models import Order, OrderLine
from supplies.selectors import uniform_suggestions
from supplies.services import LineInput, order_place, order_status_set
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory
from tests.supplies.factories import CatalogItemFactory, OrderFactory, UniformKitFactory

pytestmark = pytest.mark.django_db


def _owner(dsp):
    return MembershipFactory(dsp=dsp, role=Role.OWNER).user


def test_an_order_is_priced_at_the_program_price_for_each_line():
    dsp = DspFactory()
    kit, truck = UniformKitFactory(), CatalogItemFactory(price=Decimal("74.00"))
    driver = DriverFactory(dsp=dsp)
    order = order_place(
        dsp=dsp,
        by=_owner(dsp),
        lines=[
            LineInput(item_id=kit.pk, quantity=2, size="m", driver_id=driver.pk),
            LineInput(item_id=truck.pk, quantity=3),
        ],
    )
    assert (order.status, order.total, order.placed_on) == (
        "placed",
        Decimal("400.00"),
        dsp.station.today(),
    )
    assert [(x.item, x.size, x.quantity, x.amount, x.driver) for x in order.lines.all()] == [
        (kit, "M", 2, Decimal("178.00"), driver),
        (truck, "", 3, Decimal("222.00"), None),
    ]


def test_every_bad_line_is_named_and_nothing_is_saved():
    # given: a kit in S–XL, an unpublished item and another DSP's driver
    dsp = DspFactory()
    kit = UniformKitFactory(name="Driver kit")
    hidden = CatalogItemFactory(name="Dash camera", published=False)
    stranger = DriverFactory()
    # when
    with pytest.raises(ValidationError) as refused:
        order_place(
            dsp=dsp,
            by=_owner(dsp),
            lines=[
                LineInput(item_id=kit.pk, quantity=1, size="M"),
                LineInput(item_id=kit.pk, quantity=1, size="XXL"),
                LineInput(item_id=kit.pk, quantity=0, size="L"),
                LineInput(item_id=hidden.pk, quantity=1),
                LineInput(item_id=kit.pk, quantity=1, size="S", driver_id=stranger.pk),
            ],
        )
    # then
    assert refused.value.message_dict == {
        "lines": [
            "Line 2, size: XXL is not offered for Driver kit (offered: S, M, L, XL).",
            "Line 3, quantity: order at least 1.",
            "Line 4, item: Dash camera is not offered in the catalogue.",
            "Line 5, driver: not one of your drivers.",
        ]
    }
    assert (Order.objects.count(), OrderLine.objects.count()) == (0, 0)


def test_new_hires_without_a_uniform_are_suggested():
    dsp = DspFactory()
    today = dsp.station.today()
    new = DriverFactory(dsp=dsp, hired_on=today - datetime.timedelta(days=5), last_name="New")
    kitted = DriverFactory(dsp=dsp, hired_on=today - datetime.timedelta(days=6))
    DriverFactory(dsp=dsp, hired_on=today - datetime.timedelta(days=400))  # long-serving
    cancelled = DriverFactory(dsp=dsp, hired_on=today - datetime.timedelta(days=7), last_name="Re")
    kit = UniformKitFactory()
    order_place(dsp=dsp, by=_owner(dsp), lines=[LineInput(kit.pk, 1, "M", kitted.pk)])
    gone = order_place(dsp=dsp, by=_owner(dsp), lines=[LineInput(kit.pk, 1, "M", cancelled.pk)])
    Order.objects.filter(pk=gone.pk).update(status=Order.Status.CANCELLED)
    assert uniform_suggestions(dsp=dsp, today=today) == [new, cancelled]


def test_staff_move_an_order_along_and_a_wrong_step_is_refused():
    order = OrderFactory()
    staff = StaffFactory().user
    order_status_set(order=order, status="confirmed", by=staff)
    with pytest.raises(ValidationError) as refused:
        order_status_set(order=order, status="delivered", by=staff)
    assert refused.value.message_dict == {
        "status": ["A confirmed order can move to shipped, cancelled, not delivered."]
    }
    order.refresh_from_db()
    assert order.status == "confirmed"
    assert list(AuditEvent.objects.values_list("verb", flat=True)) == ["supply_order.confirmed"]


def test_orders_show_as_a_supplies_expense_in_the_week_they_were_placed():
    dsp = DspFactory()
    week = datetime.date(2026, 11, 1)
    OrderFactory(dsp=dsp, placed_on=week + datetime.timedelta(days=2), total=Decimal("178.00"))
    OrderFactory(dsp=dsp, placed_on=week, total=Decimal("20.50"))
    OrderFactory(dsp=dsp, placed_on=week, total=Decimal("99.00"), status="cancelled")
    OrderFactory(dsp=dsp, placed_on=week + datetime.timedelta(days=7), total=Decimal("5.00"))
    OrderFactory(placed_on=week, total=Decimal("1000.00"))  # another DSP's
    pnl = week_pnl(dsp=dsp, week_start=week)
    assert pnl["expenses"]["supplies"] == Decimal("198.50")
    assert ("Supplies", Decimal("198.50")) in pnl["extra_expenses"]
    assert pnl["total_expenses"] == sum(pnl["expenses"].values())
