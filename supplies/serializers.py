from rest_framework import serializers

from .models import CatalogItem, Order, OrderLine
from .services import MAX_QUANTITY


class CatalogItemSerializer(serializers.ModelSerializer):
    sizes = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, max_length=20
    )

    class Meta:
        model = CatalogItem
        fields = [
            "id",
            "kind",
            "name",
            "description",
            "contents",
            "sizes",
            "partner",
            "unit",
            "price",
            "published",
        ]
        # Uniqueness of the name is left to the service (a 400 on `name`).
        extra_kwargs = {"name": {"validators": []}, "price": {"min_value": 0}}


class OrderLineSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "item", "item_name", "driver", "size", "quantity", "unit_price", "amount"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "dsp", "placed_on", "status", "note", "total", "lines", "created_at"]
        read_only_fields = fields


class OrderLineInputSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(
        help_text=f"1 to {MAX_QUANTITY}; checked per line by the service"
    )
    size = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    driver = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class OrderInputSerializer(serializers.Serializer):
    lines = OrderLineInputSerializer(many=True, max_length=100)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class OrderStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.choices)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SuggestionSerializer(serializers.Serializer):
    driver = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="full_name")
    hired_on = serializers.DateField()
