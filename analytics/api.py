"""Analytics API: every table of the analytics page, read-only, under `/api/v1/analytics/`."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from dsps.tenancy import TenantScopedAPIMixin

from . import selectors
from .serializers import (
    AnalyticsQuerySerializer,
    CostPerPackageSerializer,
    DailyRateSerializer,
    EfficiencySerializer,
    LeaderboardSerializer,
    RecurringAddressSerializer,
    RecurringAreaSerializer,
    envelope,
)
from .tables import table_rows

ERRORS = {
    400: OpenApiResponse(description="Invalid query; errors keyed by field."),
    404: OpenApiResponse(description="No such DSP for you."),
}


class _TableApi(TenantScopedAPIMixin, GenericAPIView):
    """One table for one DSP (a member's own; staff name any) over a range of station dates."""

    allowed_roles = selectors.ANALYST_ROLES
    table = ""
    pagination_class = None

    def get(self, request):
        query = AnalyticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        dsp = selectors.analytics_dsp(user=request.user, dsp_id=values.get("dsp"))
        if dsp is None:
            raise ValidationError({"dsp": "Name the DSP to analyse."})
        try:
            period = selectors.period_parse(
                start=values.get("start"),
                end=values.get("end"),
                today=dsp.station.today() if dsp else timezone.localdate(),
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        rows = table_rows(self.table, dsp=dsp, period=period)
        data = {"dsp": dsp.pk, "start": period.start, "end": period.end, "results": rows}
        return Response(self.get_serializer(data).data)


def _table_api(table: str, row_serializer, name: str, doc: str):
    response = envelope(f"{name}Table", row_serializer)
    cls = type(
        f"{name}Api",
        (_TableApi,),
        {"table": table, "serializer_class": response, "__doc__": doc},
    )

    def get(self, request):
        return _TableApi.get(self, request)

    get.__doc__ = doc
    cls.get = extend_schema(
        parameters=[AnalyticsQuerySerializer],
        responses={200: response, **ERRORS},
        operation_id=f"v1_analytics_{table.replace('-', '_')}",
    )(get)
    return cls


DailyRatesApi = _table_api(
    "daily", DailyRateSerializer, "DailyRates", "Completion and on-time rates by day."
)
RecurringAddressesApi = _table_api(
    "recurring-addresses",
    RecurringAddressSerializer,
    "RecurringAddresses",
    "Addresses failed or late on 3+ of their last 10 visits in the range.",
)
RecurringAreasApi = _table_api(
    "recurring-areas",
    RecurringAreaSerializer,
    "RecurringAreas",
    "Grid cells failed or late on 3+ of their last 10 visits in the range.",
)
EfficiencyApi = _table_api(
    "efficiency",
    EfficiencySerializer,
    "Efficiency",
    "Stops per hour, km per stop and actual vs planned km by day.",
)
LeaderboardApi = _table_api(
    "leaderboard",
    LeaderboardSerializer,
    "Leaderboard",
    "Drivers ranked by completion, then safety incidents.",
)
CostPerPackageApi = _table_api(
    "cost-per-package",
    CostPerPackageSerializer,
    "CostPerPackage",
    "Weekly cost and revenue per delivered package from the DSP's finances.",
)

api_urls: list = [
    path("analytics/daily/", DailyRatesApi.as_view(), name="analytics-daily"),
    path(
        "analytics/recurring-addresses/",
        RecurringAddressesApi.as_view(),
        name="analytics-recurring-addresses",
    ),
    path(
        "analytics/recurring-areas/",
        RecurringAreasApi.as_view(),
        name="analytics-recurring-areas",
    ),
    path("analytics/efficiency/", EfficiencyApi.as_view(), name="analytics-efficiency"),
    path("analytics/leaderboard/", LeaderboardApi.as_view(), name="analytics-leaderboard"),
    path(
        "analytics/cost-per-package/",
        CostPerPackageApi.as_view(),
        name="analytics-cost-per-package",
    ),
]


def register(router):
    """Register this app's viewsets on the root API router (none: plain read endpoints)."""
