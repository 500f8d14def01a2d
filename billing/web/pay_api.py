"""Pay API: a driver's week, the DSP's incentive table, pay questions and their answers.
A driver reaches only their own week and questions; an owner those of their DSP's drivers."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from billing.models import IncentiveRate, PayDiscrepancy, Tier
from billing.pay import week as pay
from drivers.models import Driver
from dsps.models import Role
from dsps.tenancy import TenantScopedAPIMixin, dsp_for_write, get_for_user_or_404, has_role
from nextmile.dates import DayField
from routes.models import Route

ERRORS = {400: OpenApiResponse(description="Invalid input; errors keyed by field.")}
MONEY = {"max_digits": 12, "decimal_places": 2}
HOURS = {"max_digits": 8, "decimal_places": 2}


class PayWeekQuerySerializer(serializers.Serializer):
    week = DayField(required=False, help_text="any day of the week; default: now")
    driver = serializers.IntegerField(
        required=False, min_value=1, help_text="owners and staff: the driver (drivers: ignored)"
    )


class PayRouteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    status = serializers.CharField()
    stops = serializers.IntegerField()
    delivered = serializers.IntegerField()
    hours = serializers.DecimalField(**HOURS)


class PayDaySerializer(serializers.Serializer):
    date = DayField()
    hours = serializers.DecimalField(**HOURS)
    routes = PayRouteSerializer(many=True)


class PayDiscrepancySerializer(serializers.ModelSerializer):
    driver_name = serializers.CharField(source="driver.full_name", read_only=True)

    class Meta:
        model = PayDiscrepancy
        fields = [
            "id",
            "driver",
            "driver_name",
            "week_start",
            "day",
            "route",
            "message",
            "status",
            "answer",
            "answered_at",
            "created_at",
        ]
        read_only_fields = fields


class PayWeekSerializer(serializers.Serializer):
    driver = serializers.IntegerField(source="driver.pk")
    driver_name = serializers.CharField(source="driver.full_name")
    week_start = DayField()
    week_end = DayField()
    routes = serializers.IntegerField()
    stops = serializers.IntegerField()
    delivered = serializers.IntegerField()
    hours = serializers.DecimalField(**HOURS)
    regular_hours = serializers.DecimalField(**HOURS)
    overtime_hours = serializers.DecimalField(**HOURS)
    rate = serializers.DecimalField(max_digits=6, decimal_places=2)
    wages = serializers.DecimalField(**MONEY)
    tier = serializers.CharField(help_text="the driver's scorecard tier; empty with no routes")
    incentive_per_package = serializers.DecimalField(max_digits=10, decimal_places=4)
    incentive = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    days = PayDaySerializer(many=True)
    discrepancies = PayDiscrepancySerializer(many=True)


class PayWeekApi(TenantScopedAPIMixin, GenericAPIView):
    """A driver's week: hours from punches, routes, stops, wages with overtime, incentive."""

    serializer_class = PayWeekSerializer
    allowed_roles = (Role.DRIVER, Role.OWNER, Role.PROGRAM_STAFF)

    @extend_schema(parameters=[PayWeekQuerySerializer], responses={200: PayWeekSerializer})
    def get(self, request):
        query = PayWeekQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        drivers = Driver.objects.select_related("dsp__station")
        if has_role(request.user, Role.DRIVER):
            driver = get_for_user_or_404(drivers, request.user)
        elif "driver" in query.validated_data:
            driver = get_for_user_or_404(drivers, request.user, pk=query.validated_data["driver"])
        else:
            raise DrfValidationError({"driver": ["Name the driver."]})
        week_start = pay.pay_week_start(
            None, today=query.validated_data.get("week") or driver.dsp.station.today()
        )
        return Response(PayWeekSerializer(pay.pay_week(driver=driver, week_start=week_start)).data)


class IncentiveRowSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=Tier.choices)
    per_package = serializers.DecimalField(
        max_digits=10, decimal_places=4, min_value=0, max_value=pay.MAX_INCENTIVE_PER_PACKAGE
    )


class IncentiveTableInputSerializer(serializers.Serializer):
    rates = IncentiveRowSerializer(many=True, help_text="the tiers to set; others stay")

    def validate_rates(self, rows):
        tiers = [r["tier"] for r in rows]
        if len(set(tiers)) != len(tiers):
            raise serializers.ValidationError("Give each tier once.")
        return rows


class IncentiveTableApi(TenantScopedAPIMixin, GenericAPIView):
    """The owner's table of what drivers earn per delivered package at each tier."""

    queryset = IncentiveRate.objects.none()  # for the schema; rows come from `pay`
    serializer_class = IncentiveRowSerializer
    pagination_class = None  # one resource: the whole table is read and replaced at once
    filter_backends = ()
    allowed_roles = (Role.OWNER,)

    @extend_schema(responses={200: IncentiveRowSerializer(many=True)})
    def get(self, request):
        table = pay.incentive_table(dsp=dsp_for_write(request.user))
        return Response(IncentiveRowSerializer(table, many=True).data)

    @extend_schema(
        request=IncentiveTableInputSerializer,
        responses={200: IncentiveRowSerializer(many=True), **ERRORS},
    )
    def put(self, request):
        data = IncentiveTableInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rates = {r["tier"]: r["per_package"] for r in data.validated_data["rates"]}
        table = pay.incentive_table_set(dsp=dsp_for_write(request.user), rates=rates)
        return Response(IncentiveRowSerializer(table, many=True).data)


class PayDiscrepancyInputSerializer(serializers.Serializer):
    week_start = DayField(help_text="first day of the program week")
    message = serializers.CharField(max_length=2000)
    day = DayField(required=False, allow_null=True)
    route = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class PayAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


class PayDiscrepancyViewSet(
    TenantScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Drivers ask about a week's pay (create); the owner answers (PATCH with `answer`)."""

    queryset = PayDiscrepancy.objects.select_related("driver")
    serializer_class = PayDiscrepancySerializer
    allowed_roles = (Role.DRIVER, Role.OWNER, Role.PROGRAM_STAFF)
    write_roles = (Role.DRIVER, Role.OWNER)
    filterset_fields = ["status", "week_start", "driver"]

    @extend_schema(
        request=PayDiscrepancyInputSerializer,
        responses={201: PayDiscrepancySerializer, **ERRORS},
    )
    def create(self, request):
        if not has_role(request.user, Role.DRIVER):
            raise PermissionDenied("Only drivers ask about their own pay.")
        driver = get_for_user_or_404(Driver.objects.select_related("dsp__station"), request.user)
        data = PayDiscrepancyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        route = None
        if values.get("route"):
            route = get_for_user_or_404(Route, request.user, pk=values["route"])
        row = pay.discrepancy_open(
            driver=driver,
            week_start=values["week_start"],
            message=values["message"],
            day=values.get("day"),
            route=route,
        )
        return Response(PayDiscrepancySerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PayAnswerSerializer, responses={200: PayDiscrepancySerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        if not has_role(request.user, Role.OWNER):
            raise PermissionDenied("Only the DSP's owner answers pay questions.")
        row = self.get_object()
        data = PayAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = pay.discrepancy_answer(
            discrepancy=row, answer=data.validated_data["answer"], by=request.user
        )
        return Response(PayDiscrepancySerializer(row).data)
