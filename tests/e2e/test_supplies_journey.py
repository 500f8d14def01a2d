"""Supplies, end to end: an owner orders uniform kits for two new hires suggested from the
roster, a missing size is named by line, and the order's cost shows in the P&L."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dsps.calendar import last_closed_week
from dsps.models import Role
from supplies.models import Order
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.e2e.nav import follow_menu
from tests.e2e.test_sign_in import sign_in
from tests.supplies.factories import UniformKitFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_owner_orders_kits_for_two_new_hires_and_sees_the_cost(live_server, page):
    # given: a DSP with two recent hires, a long-serving driver, and a published kit
    dsp = DspFactory(status="active", name="Lone Star Last Mile")
    today = dsp.station.today()
    ana = DriverFactory(dsp=dsp, first_name="Ana", last_name="Diaz", hired_on=today)
    ben = DriverFactory(
        dsp=dsp, first_name="Ben", last_name="Cole", hired_on=today - datetime.timedelta(days=9)
    )
    DriverFactory(dsp=dsp, first_name="Old", hired_on=today - datetime.timedelta(days=700))
    UniformKitFactory(name="Driver uniform kit", price=Decimal("89.00"))
    owner = MembershipFactory(dsp=dsp, role=Role.OWNER).user
    sign_in(page, live_server.url, owner.email)
    expect(page.locator("#panel-supplies")).to_contain_text(
        "2 new hires without a uniform: Ana Diaz, Ben Cole"
    )

    # when: the owner opens supplies and takes the roster's suggestion
    follow_menu(page, "Supplies")
    page.click("text=Place an order")
    expect(page.locator("#suggestions li")).to_have_text(
        [
            f"Ana Diaz hired {today:%b} {today.day}",
            f"Ben Cole hired {ben.hired_on:%b} {ben.hired_on.day}",
        ]
    )
    page.click("#suggest-kits")
    expect(page.locator("[name=driver-0]")).to_have_value(str(ana.pk))
    expect(page.locator("[name=driver-1]")).to_have_value(str(ben.pk))
    # and forgets Ana's size: the line is named and nothing is ordered
    page.select_option("[name=size-1]", "L")
    page.click("#order-form button")
    expect(page.locator("#order-errors")).to_have_text(
        "Line 1, size: pick a size of Driver uniform kit (S, M, L, XL)."
    )
    assert Order.objects.count() == 0
    page.select_option("[name=size-0]", "M")
    page.click("#order-form button")

    # then: one placed order of two kits
    expect(page.locator("#order-status")).to_have_text("Placed")
    expect(page.locator("#order-total")).to_have_text("$178.00")
    order = Order.objects.get()
    assert sorted((x.driver_id, x.size) for x in order.lines.all()) == sorted(
        [(ana.pk, "M"), (ben.pk, "L")]
    )

    # and, once its week has closed, the P&L shows it as a supplies expense
    week = last_closed_week(dsp.station)
    Order.objects.filter(pk=order.pk).update(placed_on=week + datetime.timedelta(days=1))
    follow_menu(page, "Finances")
    expect(page.locator("#pnl-table thead")).to_contain_text("Supplies")
    row = page.locator(f"#pnl-table tbody tr:has-text('{week:%Y-%m-%d}')")
    expect(row.locator("td").nth(8)).to_have_text("$178.00")  # after insurance
