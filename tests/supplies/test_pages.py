import pytest
from django.urls import reverse

from dsps.models import AuditEvent, Role
from supplies.models import CatalogItem, Order
from tests.dsps.factories import MembershipFactory, StaffFactory
from tests.supplies.factories import CatalogItemFactory, UniformKitFactory

pytestmark = pytest.mark.django_db


def test_owners_see_published_items_and_staff_see_everything(client):
    shown = CatalogItemFactory(name="Rugged phone")
    CatalogItemFactory(name="Dash camera", published=False)
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    owner_page = client.get(reverse("supplies:catalog"))
    assert [i.name for i in owner_page.context["page"].object_list] == [shown.name]
    client.force_login(StaffFactory().user)
    staff_page = client.get(reverse("supplies:catalog"))
    assert [i.name for i in staff_page.context["page"].object_list] == [
        "Dash camera",
        "Rugged phone",
    ]


def test_staff_publish_a_kit_in_sizes_and_a_sizeless_kit_is_refused(client):
    client.force_login(StaffFactory().user)
    form = {
        "kind": "uniform",
        "name": "Driver kit",
        "unit": "kit",
        "price": "89.00",
        "published": "on",
        "sizes": "",
    }
    refused = client.post(reverse("supplies:item-create"), form)
    assert refused.context["form"].errors == {"sizes": ["A uniform needs the sizes it comes in."]}
    assert CatalogItem.objects.count() == 0
    saved = client.post(reverse("supplies:item-create"), {**form, "sizes": "s, m, L, m"})
    assert saved.status_code == 302
    item = CatalogItem.objects.get()
    assert (item.sizes, item.published) == (["S", "M", "L"], True)
    assert list(AuditEvent.objects.values_list("verb", flat=True)) == ["catalog_item.published"]


def test_a_bad_order_form_names_the_line_and_keeps_what_was_typed(client):
    kit = UniformKitFactory(name="Kit")
    owner = MembershipFactory(role=Role.OWNER)
    client.force_login(owner.user)
    response = client.post(
        reverse("supplies:order-create"),
        {"item-0": kit.pk, "quantity-0": "-2", "size-0": "M", "item-1": kit.pk, "quantity-1": "1"},
    )
    assert response.context["errors"] == [
        "Line 1, quantity: order at least 1.",
        "Line 2, size: pick a size of Kit (S, M, L, XL).",
    ]
    assert response.context["rows"][0] == {
        "item": str(kit.pk),
        "quantity": "-2",
        "size": "M",
        "driver": "",
    }
    assert Order.objects.count() == 0
