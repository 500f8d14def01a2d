from rest_framework import serializers

from dsps.models import Station
from routes.signals import EVENT_TYPES

from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription


def event_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=list(EVENT_TYPES))


class SubscriptionSerializer(serializers.ModelSerializer):
    secret_hint = serializers.CharField(read_only=True, help_text="the secret's last characters")

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "dsp",
            "station",
            "url",
            "description",
            "events",
            "is_active",
            "secret_hint",
            "secret_rotated_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    secret = serializers.CharField(read_only=True, help_text="HMAC-SHA256 key of the signature")

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500)
    events = serializers.ListField(child=event_field(), allow_empty=False, max_length=20)
    description = serializers.CharField(max_length=120, required=False, allow_blank=True)
    station = serializers.PrimaryKeyRelatedField(
        queryset=Station.objects.all(),
        required=False,
        allow_null=True,
        help_text="program webhooks only: one station's events (default: all)",
    )


class SubscriptionUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(
        child=event_field(), allow_empty=False, max_length=20, required=False
    )
    description = serializers.CharField(max_length=120, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class EmptySerializer(serializers.Serializer):
    pass


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "trigger",
            "started_at",
            "status_code",
            "duration_ms",
            "ok",
            "error",
            "response_excerpt",
        ]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    attempts = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "event_id",
            "event_type",
            "occurred_at",
            "payload",
            "status",
            "attempt_count",
            "last_status_code",
            "last_attempt_at",
            "next_attempt_at",
            "created_at",
            "attempts",
        ]
        read_only_fields = fields
