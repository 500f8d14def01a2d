from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from supplies.models import CatalogItem, Order, OrderLine
from tests.dsps.factories import DspFactory, UserFactory


class CatalogItemFactory(DjangoModelFactory):
    class Meta:
        model = CatalogItem

    kind = CatalogItem.Kind.EQUIPMENT
    name = factory.Sequence(lambda n: f"Hand truck {n}")
    price = Decimal("74.00")
    published = True


class UniformKitFactory(CatalogItemFactory):
    kind = CatalogItem.Kind.UNIFORM
    name = factory.Sequence(lambda n: f"Uniform kit {n}")
    contents = "2 shirts, jacket, cap"
    sizes = factory.LazyFunction(lambda: ["S", "M", "L", "XL"])
    unit = "kit"
    price = Decimal("89.00")


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = Order
        skip_postgeneration_save = True

    dsp = factory.SubFactory(DspFactory)
    placed_by = factory.SubFactory(UserFactory)
    placed_on = factory.LazyAttribute(lambda o: o.dsp.station.today())
    total = Decimal("74.00")
    line = factory.RelatedFactory(
        "tests.supplies.factories.OrderLineFactory", factory_related_name="order"
    )


class OrderLineFactory(DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory, line=None)
    item = factory.SubFactory(CatalogItemFactory)
    quantity = 1
    unit_price = Decimal("74.00")
    amount = Decimal("74.00")
