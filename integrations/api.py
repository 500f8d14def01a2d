"""Integrations API: webhook subscriptions (with their secrets) and the delivery log."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dsps.models import Role
from dsps.tenancy import WEBHOOK, TenantScopedAPIMixin

from . import services
from .models import WebhookDelivery, WebhookSubscription
from .serializers import (
    DeliverySerializer,
    EmptySerializer,
    SubscriptionInputSerializer,
    SubscriptionSerializer,
    SubscriptionUpdateSerializer,
    SubscriptionWithSecretSerializer,
)

HOLDERS = (Role.PROGRAM_STAFF, Role.OWNER)
ERRORS = {400: OpenApiResponse(description="Invalid input; errors keyed by field.")}
NOT_FOUND = {404: OpenApiResponse(description="No such object for you.")}


class WebhookSubscriptionViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """A DSP owner's webhooks for its DSP; program staff see all and own the program's."""

    queryset = WebhookSubscription.objects.select_related("dsp", "station")
    serializer_class = SubscriptionSerializer
    allowed_roles = HOLDERS
    dsp_powers = {"create": WEBHOOK}
    filterset_fields = ["is_active"]

    @extend_schema(
        request=SubscriptionInputSerializer,
        responses={201: SubscriptionWithSecretSerializer, **ERRORS},
    )
    def create(self, request):
        """Register a URL and its events; the answer carries the secret (nothing is sent now)."""
        data = SubscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_create(by=request.user, **data.validated_data)
        return Response(
            SubscriptionWithSecretSerializer(subscription).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=SubscriptionUpdateSerializer,
        responses={200: SubscriptionSerializer, **ERRORS, **NOT_FOUND},
    )
    def partial_update(self, request, pk=None):
        """Change the URL, events or description; `is_active: false` disables it."""
        subscription = self.get_object()
        data = SubscriptionUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.subscription_update(
            subscription=subscription, by=request.user, **data.validated_data
        )
        return Response(SubscriptionSerializer(subscription).data)

    @extend_schema(
        request=EmptySerializer,
        responses={200: SubscriptionWithSecretSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="reveal-secret", url_name="reveal-secret")
    def reveal_secret(self, request, pk=None):
        """The signing secret (the reveal is audited)."""
        subscription = self.get_object()
        services.subscription_secret_reveal(subscription=subscription, by=request.user)
        return Response(SubscriptionWithSecretSerializer(subscription).data)

    @extend_schema(
        request=EmptySerializer,
        responses={200: SubscriptionWithSecretSerializer, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret", url_name="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """A new signing secret at once; the old one stops signing."""
        subscription = services.subscription_secret_rotate(
            subscription=self.get_object(), by=request.user
        )
        return Response(SubscriptionWithSecretSerializer(subscription).data)


class WebhookDeliveryViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The delivery log: each event sent to each webhook, with every attempt."""

    queryset = WebhookDelivery.objects.prefetch_related("attempts").order_by("-created_at", "-id")
    serializer_class = DeliverySerializer
    allowed_roles = HOLDERS
    filterset_fields = ["status", "subscription", "event_type"]

    @extend_schema(
        request=EmptySerializer, responses={200: DeliverySerializer, **ERRORS, **NOT_FOUND}
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """Send the same event (same id) again as a new attempt."""
        delivery = services.delivery_resend(delivery=self.get_object(), by=request.user)
        return Response(DeliverySerializer(delivery).data)


api_urls: list = []


def register(router):
    """Register this app's viewsets on the root API router."""
    router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")
    router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
