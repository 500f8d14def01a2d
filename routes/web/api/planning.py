"""Planning API: manifests, stops, plan jobs (create, progress, cancel), routes and stops."""

import io

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from dsps.models import STAFF_AND_MANAGERS, Role
from dsps.tenancy import (
    IMPORT,
    PLAN,
    TenantScopedAPIMixin,
    get_for_user_or_404,
)
from nextmile.api import CsvRenderer, OrderingFilter, file_renderers, file_response, file_schema
from routes.manifests.imports import template_csv
from routes.models import PlanJob, Route, RouteStop, Stop
from routes.planning.exports import day_export_filename, day_export_write
from routes.planning.jobs import (
    PlanAlreadyRunning,
    manifest_import,
    plan_job_cancel,
    plan_job_start,
    route_stop_move,
    stop_allocate,
)
from routes.selectors import package_list_on_route, route_stop_list, user_today
from routes.web.api.idempotency import IdempotentPostMixin
from routes.web.serializers import (
    ErrorSerializer,
    ManifestImportErrorSerializer,
    ManifestImportInputSerializer,
    ManifestImportOutputSerializer,
    PlanConflictSerializer,
    PlanJobInputSerializer,
    PlanJobSerializer,
    RoutePackageSerializer,
    RouteSerializer,
    RouteStopMoveInputSerializer,
    RouteStopSerializer,
    StopAllocateInputSerializer,
    StopSerializer,
)


class RouteStopOrdering(OrderingFilter):
    ordering_fields = ["sequence", "planned_arrival"]


class RouteViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Route.objects.select_related("dsp")
    serializer_class = RouteSerializer
    filterset_fields = ["service_date", "status"]

    @extend_schema(responses=RouteStopSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        serializer_class=RouteStopSerializer,
        filter_backends=[RouteStopOrdering],
    )
    def stops(self, request, pk=None):
        """The route's stops, in visiting order unless `ordering` says otherwise, a page at a
        time, with planned arrival times."""
        # Not get_object(): the list's filters and ordering (for routes) do not apply to it.
        # DRF's get_object_or_404 also turns a malformed id ("null,null") into a 404.
        route = get_object_or_404(self.get_queryset(), pk=pk)
        rows = self.filter_queryset(route_stop_list(user=request.user, route=route))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RouteStopSerializer(page, many=True).data)

    @extend_schema(responses=RoutePackageSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        serializer_class=RoutePackageSerializer,
        filter_backends=[],
    )
    def packages(self, request, pk=None):
        """The route's packages with tracking ids, in visiting order, and each one's state."""
        route = get_object_or_404(self.get_queryset(), pk=pk)
        rows = package_list_on_route(user=request.user, route=route)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RoutePackageSerializer(page, many=True).data)


class RouteStopPackagesApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """One stop's packages with tracking ids and each one's state."""

    queryset = RouteStop.objects.select_related("route")
    serializer_class = RoutePackageSerializer
    filter_backends = ()

    @extend_schema(responses=RoutePackageSerializer(many=True))
    def get(self, request, pk: int):
        route_stop = get_for_user_or_404(self.get_queryset(), request.user, pk=pk)
        rows = package_list_on_route(
            user=request.user, route=route_stop.route, route_stop=route_stop
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(RoutePackageSerializer(page, many=True).data)


class ManifestImportApi(IdempotentPostMixin, TenantScopedAPIMixin, generics.GenericAPIView):
    """Upload a manifest CSV; every row is checked first and a bad file imports nothing."""

    allowed_roles = STAFF_AND_MANAGERS
    dsp_powers = {"post": IMPORT}
    serializer_class = ManifestImportInputSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=ManifestImportInputSerializer,
        responses={201: ManifestImportOutputSerializer, 400: ManifestImportErrorSerializer},
    )
    def post(self, request):
        data = ManifestImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = manifest_import(
                user=request.user,
                upload=data.validated_data["file"],
                service_date=data.validated_data["service_date"],
                station=data.validated_data.get("station"),
            )
        except ValidationError as error:
            body = {k: [str(m) for m in v] for k, v in error.message_dict.items()}
            body["row_errors"] = getattr(error, "row_errors", [])
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(ManifestImportOutputSerializer(result).data, status=status.HTTP_201_CREATED)


class ManifestTemplateApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """The manifest CSV template: its header and two example rows."""

    allowed_roles = STAFF_AND_MANAGERS
    renderer_classes = file_renderers(CsvRenderer)
    filter_backends = ()
    pagination_class = None

    @extend_schema(responses={**file_schema("text/csv", "The manifest template.")})
    def get(self, request):
        return file_response(
            request, template_csv(), media_type="text/csv", filename="manifest-template.csv"
        )


class DayExportQuerySerializer(serializers.Serializer):
    service_date = serializers.DateField(
        required=False, help_text="the day to export (default: today at your station)"
    )


class DayExportApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """The day's routes as CSV, one row per stop, times in the station's zone."""

    allowed_roles = STAFF_AND_MANAGERS
    renderer_classes = file_renderers(CsvRenderer)
    filter_backends = ()
    pagination_class = None

    @extend_schema(
        parameters=[DayExportQuerySerializer],
        responses={**file_schema("text/csv", "The day's routes, one row per stop.")},
    )
    def get(self, request):
        query = DayExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        service_date = query.validated_data.get("service_date") or user_today(request.user)
        out = io.StringIO()
        day_export_write(out, user=request.user, service_date=service_date)
        return file_response(
            request,
            out.getvalue(),
            media_type="text/csv",
            filename=day_export_filename(service_date),
        )


class StopViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Stops the caller may see; program staff also see uncovered ones (dsp null)."""

    allowed_roles = STAFF_AND_MANAGERS
    queryset = Stop.objects.select_related("manifest")
    serializer_class = StopSerializer
    filterset_fields = {"manifest__service_date": ["exact"], "dsp": ["exact", "isnull"]}


class StopAllocateApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """Program staff give an uncovered stop to a DSP by hand."""

    allowed_roles = (Role.PROGRAM_STAFF,)
    queryset = Stop.objects.all()
    serializer_class = StopAllocateInputSerializer

    @extend_schema(
        request=StopAllocateInputSerializer,
        responses={200: StopSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request):
        data = StopAllocateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stop = get_for_user_or_404(Stop, request.user, pk=data.validated_data["stop"])
        stop = stop_allocate(user=request.user, stop=stop, dsp=data.validated_data["dsp"])
        return Response(StopSerializer(stop).data)


class PlanJobViewSet(
    IdempotentPostMixin,
    TenantScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Plan a date (a DSP manager: their DSP; staff: a whole station), follow it, cancel it."""

    allowed_roles = STAFF_AND_MANAGERS
    dsp_powers = {"create": PLAN}
    queryset = PlanJob.objects.select_related("station", "dsp")
    serializer_class = PlanJobSerializer
    filterset_fields = ["service_date", "status"]

    @extend_schema(
        request=PlanJobInputSerializer,
        responses={201: PlanJobSerializer, 400: ErrorSerializer, 409: PlanConflictSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = PlanJobInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            job = plan_job_start(user=request.user, **data.validated_data)
        except PlanAlreadyRunning as running:
            body = {
                "detail": f"Plan job {running.job.pk} of this day is already running.",
                "code": "conflict",
                "job": running.job.pk,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(PlanJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses={200: PlanJobSerializer, 400: ErrorSerializer, 404: ErrorSerializer}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Stop a queued or running job; a cancelled job stays cancelled."""
        job = plan_job_cancel(user=request.user, job=self.get_object())
        return Response(PlanJobSerializer(job).data)


class RouteStopMoveApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """Move a stop to a position on another route of the same DSP and day, or reorder it."""

    allowed_roles = STAFF_AND_MANAGERS
    queryset = RouteStop.objects.select_related("route")
    serializer_class = RouteStopMoveInputSerializer

    @extend_schema(
        request=RouteStopMoveInputSerializer,
        responses={200: RouteStopSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request, pk: int):
        route_stop = get_for_user_or_404(self.get_queryset(), request.user, pk=pk)
        data = RouteStopMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to_route = route_stop.route
        if "to_route" in data.validated_data:
            to_route = get_for_user_or_404(Route, request.user, pk=data.validated_data["to_route"])
        moved = route_stop_move(
            user=request.user,
            route_stop=route_stop,
            to_route=to_route,
            position=data.validated_data.get("position", route_stop.sequence),
        )
        return Response(RouteStopSerializer(moved).data)
