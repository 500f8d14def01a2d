"""Live API: location pings, the live board, the driver's live route, disruptions, re-plans
and route messages."""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dsps.models import DSP_MANAGER_ROLES, STAFF_AND_MANAGERS, Role
from dsps.tenancy import (
    TenantScopedAPIMixin,
    get_for_user_or_404,
    scope_to_user,
)
from routes.day.messages import message_list, message_send, message_thread_mark_read
from routes.live.progress import (
    live_board,
    location_ping_record,
    route_active_for_driver,
    route_live,
)
from routes.models import (
    Disruption,
    LocationPing,
    Message,
    ReplanJob,
    Route,
    RouteChange,
    RouteStop,
)
from routes.replan.disruptions import disruption_record, replan_job_apply
from routes.replan.proposals import Proposal
from routes.web.api.idempotency import IdempotentPostMixin
from routes.web.serializers import ErrorSerializer
from routes.web.views.changes import change_lines
from routes.web.views.dates import requested_day


def _bad(error: ValidationError) -> Response:
    return Response(
        {k: [str(m) for m in v] for k, v in error.message_dict.items()},
        status=status.HTTP_400_BAD_REQUEST,
    )


class PingInputSerializer(serializers.Serializer):
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = serializers.DecimalField(
        max_digits=10, decimal_places=6, min_value=-180, max_value=180
    )
    accuracy_m = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    recorded_at = serializers.DateTimeField(required=False)
    outbox = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="driver actions still on the phone (waiting to send + needing attention)",
    )
    outbox_reported_at = serializers.DateTimeField(
        required=False, help_text="when the phone counted them (default: recorded_at)"
    )


class PingSerializer(serializers.ModelSerializer):
    class Meta:
        model = LocationPing
        fields = ["id", "route", "latitude", "longitude", "accuracy_m", "recorded_at"]


class LiveStopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sequence = serializers.IntegerField()
    address = serializers.CharField()
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    done = serializers.BooleanField()
    eta = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField()


class LiveRouteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    driver = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    position = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    position_at = serializers.DateTimeField(allow_null=True)
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    delay_min = serializers.IntegerField(help_text="minutes behind plan (negative: ahead)")
    state = serializers.CharField()
    pace = serializers.FloatField()
    projected_finish = serializers.DateTimeField(allow_null=True)
    behind_pace = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    depot = serializers.ListField(child=serializers.FloatField())
    stops = LiveStopSerializer(many=True)


class RouteChangeSerializer(serializers.ModelSerializer):
    """The change's facts, and the same worded for the driver in the station's zone."""

    lines = serializers.SerializerMethodField()

    class Meta:
        model = RouteChange
        fields = ["id", "job", "facts", "lines", "created_at"]

    def get_lines(self, change: RouteChange) -> list[str]:
        return change_lines(change.facts, change.route.station.tz)


class MyRouteLiveSerializer(LiveRouteSerializer):
    changes = RouteChangeSerializer(many=True)


class PingApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """A driver's phone reports its position (only while their route of the day is active)."""

    allowed_roles = (Role.DRIVER,)
    queryset = LocationPing.objects.all()
    serializer_class = PingInputSerializer

    @extend_schema(
        request=PingInputSerializer, responses={201: PingSerializer, 400: ErrorSerializer}
    )
    def post(self, request):
        data = PingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            ping = location_ping_record(user=request.user, **data.validated_data)
        except ValidationError as error:
            return _bad(error)
        return Response(PingSerializer(ping).data, status=status.HTTP_201_CREATED)


class LiveBoardApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """Each route of the day: position, stops done / total, ahead or behind, ETAs."""

    allowed_roles = STAFF_AND_MANAGERS
    queryset = Route.objects.all()
    serializer_class = LiveRouteSerializer
    filter_backends = ()

    @extend_schema(
        parameters=[OpenApiParameter("date", str, description="YYYY-MM-DD, default today")],
        responses=LiveRouteSerializer(many=True),
    )
    def get(self, request):
        board = live_board(user=request.user, service_date=requested_day(request))
        page = self.paginate_queryset([b.as_json() for b in board])
        return self.get_paginated_response(LiveRouteSerializer(page, many=True).data)


class MyRouteLiveApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """The driver's own active route: progress, ETAs and what dispatch changed."""

    allowed_roles = (Role.DRIVER,)
    queryset = Route.objects.all()
    serializer_class = MyRouteLiveSerializer

    @extend_schema(responses={200: MyRouteLiveSerializer, 404: ErrorSerializer})
    def get(self, request):
        route = route_active_for_driver(user=request.user)
        if route is None:
            raise Http404("You have no active route today.")
        data = route_live(route=route).as_json()
        data["changes"] = RouteChangeSerializer(
            RouteChange.objects.filter(route=route).select_related("route__station")[:3], many=True
        ).data
        return Response(MyRouteLiveSerializer(data).data)


class DisruptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disruption
        fields = [
            "id",
            "service_date",
            "kind",
            "area",
            "starts_at",
            "ends_at",
            "speed_factor",
            "route",
            "note",
            "created_at",
        ]


class DisruptionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Disruption.Kind.choices)
    area = serializers.JSONField(required=False, allow_null=True, help_text="GeoJSON Polygon")
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    speed_factor = serializers.DecimalField(
        max_digits=3, decimal_places=2, required=False, min_value=0
    )
    route = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)
    time_limit_s = serializers.IntegerField(required=False, min_value=1, max_value=60)


class ReplanJobSerializer(serializers.ModelSerializer):
    proposal = serializers.SerializerMethodField(
        help_text="The proposal as `routes.replan.proposals.Proposal.to_json` writes it "
        "(an older stored one in today's shape); empty until the job is solved."
    )

    class Meta:
        model = ReplanJob
        fields = [
            "id",
            "service_date",
            "kind",
            "disruption",
            "route",
            "status",
            "time_limit_s",
            "started_at",
            "finished_at",
            "applied_at",
            "proposal",
            "error",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_proposal(self, job: ReplanJob) -> dict:
        return Proposal.from_json(job.proposal).to_json() if job.proposal else {}


class DisruptionCreatedSerializer(serializers.Serializer):
    disruption = DisruptionSerializer()
    replan_job = ReplanJobSerializer()


class DisruptionViewSet(
    TenantScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Closures, slowdowns and breakdowns; recording one queues its re-plan."""

    allowed_roles = STAFF_AND_MANAGERS
    write_roles = DSP_MANAGER_ROLES
    queryset = Disruption.objects.all()
    serializer_class = DisruptionSerializer
    filterset_fields = ["service_date", "kind"]

    @extend_schema(
        request=DisruptionInputSerializer,
        responses={201: DisruptionCreatedSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = DisruptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        route_id = values.pop("route", None)
        route = None
        if route_id:
            route = get_for_user_or_404(Route, request.user, pk=route_id)
        try:
            disruption, job = disruption_record(user=request.user, route=route, **values)
        except ValidationError as error:
            return _bad(error)
        return Response(
            {
                "disruption": DisruptionSerializer(disruption).data,
                "replan_job": ReplanJobSerializer(job).data,
            },
            status=status.HTTP_201_CREATED,
        )


class ReplanJobViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Re-plans and their proposals; a DSP manager applies a proposed one."""

    allowed_roles = STAFF_AND_MANAGERS
    queryset = ReplanJob.objects.all()
    serializer_class = ReplanJobSerializer
    filterset_fields = ["service_date", "status", "kind"]

    @extend_schema(
        request=None,
        responses={200: ReplanJobSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """Put the proposal into the routes; the drivers' pages show what changed."""
        try:
            job = replan_job_apply(user=request.user, job=self.get_object())
        except ValidationError as error:
            return _bad(error)
        return Response(ReplanJobSerializer(job).data)


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.email", default=None, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "route", "author", "body", "route_stop", "created_at"]


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)
    route_stop = serializers.IntegerField(required=False, allow_null=True)


class RouteMessagesApi(IdempotentPostMixin, TenantScopedAPIMixin, generics.GenericAPIView):
    """A route's thread: reading it marks it read; drivers reach only their own route."""

    allowed_roles = (*STAFF_AND_MANAGERS, Role.DRIVER)
    queryset = Route.objects.all()
    serializer_class = MessageSerializer
    filter_backends = ()

    def _route(self, request, pk):
        return get_for_user_or_404(Route, request.user, pk=pk)

    @extend_schema(responses={200: MessageSerializer(many=True), 404: ErrorSerializer})
    def get(self, request, pk: int):
        route = self._route(request, pk)
        rows = list(message_list(user=request.user, route=route))
        message_thread_mark_read(user=request.user, route=route)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(
        request=MessageInputSerializer,
        responses={201: MessageSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request, pk: int):
        route = self._route(request, pk)
        data = MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stop = None
        if data.validated_data.get("route_stop"):
            stop = get_for_user_or_404(
                scope_to_user(RouteStop.objects.filter(route=route), request.user),
                request.user,
                pk=data.validated_data["route_stop"],
            )
        try:
            message = message_send(
                user=request.user, route=route, body=data.validated_data["body"], route_stop=stop
            )
        except ValidationError as error:
            return _bad(error)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
