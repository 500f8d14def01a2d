"""Supplies API: the catalogue (staff write, DSPs read what is published), a DSP's orders
(the owner places them, staff move their status) and the uniform suggestions per new hire."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from drivers.models import Driver
from dsps.models import Role
from dsps.tenancy import (
    ORDER,
    TenantScopedAPIMixin,
    dsp_for_write,
    has_role,
    is_program_staff,
)

from . import selectors, services
from .models import CatalogItem, Order
from .serializers import (
    CatalogItemSerializer,
    OrderInputSerializer,
    OrderSerializer,
    OrderStatusSerializer,
    SuggestionSerializer,
)

STAFF = (Role.PROGRAM_STAFF,)
READERS = (Role.PROGRAM_STAFF, Role.OWNER, Role.DISPATCHER)
ERRORS = {400: OpenApiResponse(description="Invalid input; errors keyed by field.")}


@extend_schema_view(
    create=extend_schema(responses={201: CatalogItemSerializer, **ERRORS}),
    partial_update=extend_schema(responses={200: CatalogItemSerializer, **ERRORS}),
)
class CatalogItemViewSet(
    TenantScopedAPIMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The resources catalogue; everyone but program staff sees published items only."""

    queryset = CatalogItem.objects.all()
    serializer_class = CatalogItemSerializer
    allowed_roles = ()  # every signed-in role reads the published catalogue
    write_roles = STAFF
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.catalog_list(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.catalog_item_save(
            by=self.request.user, published=data.pop("published", False), **data
        )

    def partial_update(self, request, pk=None):
        item = self.get_object()
        data = CatalogItemSerializer(item, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        item = services.catalog_item_save(
            by=request.user, item=item, published=values.pop("published", item.published), **values
        )
        return Response(CatalogItemSerializer(item).data)


class OrderViewSet(
    TenantScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A DSP's supply orders; the owner places them, program staff move their status."""

    queryset = Order.objects.prefetch_related("lines__item")
    serializer_class = OrderSerializer
    allowed_roles = READERS
    write_roles = (Role.OWNER, Role.PROGRAM_STAFF)
    dsp_powers = {"create": ORDER}
    filterset_fields = ["status"]

    @extend_schema(request=OrderInputSerializer, responses={201: OrderSerializer, **ERRORS})
    def create(self, request):
        if not has_role(request.user, Role.OWNER):
            raise PermissionDenied("Only a DSP's owner places orders.")
        data = OrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = [
            services.LineInput(
                item_id=row["item"],
                quantity=row["quantity"],
                size=row.get("size", ""),
                driver_id=row.get("driver"),
            )
            for row in data.validated_data["lines"]
        ]
        order = services.order_place(
            dsp=dsp_for_write(request.user),
            by=request.user,
            lines=lines,
            note=data.validated_data.get("note", ""),
        )
        order = Order.objects.prefetch_related("lines__item").get(pk=order.pk)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrderStatusSerializer, responses={200: OrderSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def set_status(self, request, pk=None):
        """Program staff: confirmed, shipped, delivered, or cancelled before shipping."""
        if not is_program_staff(request.user):
            raise PermissionDenied("Program staff manage order status.")
        order = self.get_object()
        data = OrderStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = services.order_status_set(order=order, by=request.user, **data.validated_data)
        order = Order.objects.prefetch_related("lines__item").get(pk=order.pk)
        return Response(OrderSerializer(order).data)


class SuggestionApi(TenantScopedAPIMixin, GenericAPIView):
    """New hires of the owner's DSP with no uniform ordered yet."""

    queryset = Driver.objects.none()  # for the schema; rows come from the selector
    serializer_class = SuggestionSerializer
    filter_backends = ()
    allowed_roles = (Role.OWNER,)

    @extend_schema(responses={200: SuggestionSerializer(many=True)})
    def get(self, request):
        dsp = dsp_for_write(request.user)
        drivers = selectors.uniform_suggestions(dsp=dsp, today=dsp.station.today())
        page = self.paginate_queryset(list(drivers))
        return self.get_paginated_response(SuggestionSerializer(page, many=True).data)


api_urls: list = [
    path("supplies/suggestions/", SuggestionApi.as_view(), name="supply-suggestions"),
]


def register(router):
    """Register this app's viewsets on the root API router."""
    router.register("supplies/items", CatalogItemViewSet, basename="supply-item")
    router.register("supplies/orders", OrderViewSet, basename="supply-order")
