import pytest

from dsps.models import Role
from supplies.models import CatalogItem, Order
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory
from tests.supplies.factories import CatalogItemFactory, OrderFactory, UniformKitFactory

pytestmark = pytest.mark.django_db


def test_a_dsp_lists_only_its_own_orders_and_published_items(client):
    owner = MembershipFactory(role=Role.OWNER)
    mine = OrderFactory(dsp=owner.dsp)
    OrderFactory(dsp=DspFactory())
    shown = CatalogItemFactory(name="Zz shown")
    hidden = CatalogItemFactory(name="Zz hidden", published=False)
    client.force_login(owner.user)
    orders = client.get("/api/v1/supplies/orders/").json()["results"]
    items = client.get("/api/v1/supplies/items/").json()["results"]
    assert [o["id"] for o in orders] == [mine.pk]
    names = [i["name"] for i in items]
    assert (shown.name in names, hidden.name in names) == (True, False)
    assert len(names) == CatalogItem.objects.filter(published=True).count()


def test_the_owner_orders_over_the_api_and_a_bad_size_is_a_400(client):
    owner = MembershipFactory(role=Role.OWNER)
    kit = UniformKitFactory(name="Kit")
    client.force_login(owner.user)
    bad = client.post(
        "/api/v1/supplies/orders/",
        {"lines": [{"item": kit.pk, "quantity": 2, "size": "XS"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "lines": ["Line 1, size: XS is not offered for Kit (offered: S, M, L, XL)."]
    }
    assert Order.objects.count() == 0
    good = client.post(
        "/api/v1/supplies/orders/",
        {"lines": [{"item": kit.pk, "quantity": 2, "size": "L"}]},
        content_type="application/json",
    )
    assert (good.status_code, good.json()["total"], good.json()["status"]) == (
        201,
        "178.00",
        "placed",
    )


def test_staff_confirm_an_order_and_the_owner_cannot(client):
    owner = MembershipFactory(role=Role.OWNER)
    order = OrderFactory(dsp=owner.dsp)
    client.force_login(owner.user)
    url = f"/api/v1/supplies/orders/{order.pk}/status/"
    refused = client.post(url, {"status": "confirmed"}, content_type="application/json")
    assert refused.status_code == 403
    client.force_login(StaffFactory().user)
    done = client.post(url, {"status": "confirmed"}, content_type="application/json")
    assert (done.status_code, done.json()["status"]) == (200, "confirmed")
