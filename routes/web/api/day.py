"""Day-of-delivery API: assignment, the driver's actions (scan, deliver, fail, return, punches)
and the day-before confirmation. Drivers reach only their own route.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from drivers.models import Driver
from drivers.selectors import driver_for_user
from dsps.models import STAFF_AND_MANAGERS, Role
from dsps.tenancy import TenantScopedAPIMixin, get_for_user_or_404
from fleet.models import Vehicle
from nextmile.api import ImageRenderer, file_renderers, file_response, file_schema
from nextmile.uploads import serve_upload
from routes.day.assignment import day_confirmation_answer, punch_record, route_assign
from routes.day.deliveries import delivery_record, package_scan
from routes.models import DayConfirmation, DeliveryEvent, Route, RouteStop, ShiftPunch
from routes.web.api.idempotency import IdempotentPostMixin
from routes.web.serializers import ErrorSerializer, RouteSerializer

ON_THE_ROAD = (Role.DRIVER, *STAFF_AND_MANAGERS)


class AssignInputSerializer(serializers.Serializer):
    route = serializers.IntegerField()
    driver = serializers.IntegerField()
    vehicle = serializers.IntegerField()


class DayAssignApi(IdempotentPostMixin, TenantScopedAPIMixin, generics.GenericAPIView):
    """Put a driver and a van on a route (refused with the reason when either is unavailable)."""

    allowed_roles = STAFF_AND_MANAGERS
    queryset = Route.objects.all()
    serializer_class = AssignInputSerializer

    @extend_schema(
        request=AssignInputSerializer,
        responses={200: RouteSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request):
        data = AssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        route = get_for_user_or_404(Route, request.user, pk=data.validated_data["route"])
        driver = get_for_user_or_404(Driver, request.user, pk=data.validated_data["driver"])
        vehicle = get_for_user_or_404(Vehicle, request.user, pk=data.validated_data["vehicle"])
        route = route_assign(route=route, driver=driver, vehicle=vehicle)
        return Response(RouteSerializer(route).data)


class ScanInputSerializer(serializers.Serializer):
    route = serializers.IntegerField()
    code = serializers.CharField(max_length=60, help_text="the package's tracking number")
    route_stop = serializers.IntegerField(required=False, help_text="the stop the driver is at")


class ScanOutputSerializer(serializers.Serializer):
    tracking_id = serializers.CharField()
    route_stop = serializers.IntegerField()
    sequence = serializers.IntegerField()
    state = serializers.CharField(help_text="pending, delivered, failed or returned")


class DayScanApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """Check that a scanned package is on the route (and at this stop)."""

    allowed_roles = ON_THE_ROAD
    queryset = Route.objects.all()
    serializer_class = ScanInputSerializer

    @extend_schema(
        request=ScanInputSerializer,
        responses={200: ScanOutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request):
        data = ScanInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        route = get_for_user_or_404(Route, request.user, pk=data.validated_data["route"])
        stop = None
        if "route_stop" in data.validated_data:
            stop = get_object_or_404(
                RouteStop.objects.filter(route=route), pk=data.validated_data["route_stop"]
            )
        found = package_scan(route=route, code=data.validated_data["code"], route_stop=stop)
        body = {
            "tracking_id": found["package"].tracking_id,
            "route_stop": found["route_stop"].pk,
            "sequence": found["route_stop"].sequence,
            "state": found["state"],
        }
        return Response(ScanOutputSerializer(body).data)


class EventInputSerializer(serializers.Serializer):
    route = serializers.IntegerField()
    code = serializers.CharField(max_length=60, help_text="the package's tracking number")
    kind = serializers.CharField(help_text="delivered, failed or returned")
    idempotency_key = serializers.CharField(max_length=64)
    occurred_at = serializers.DateTimeField(required=False)
    queued_at = serializers.DateTimeField(
        required=False, help_text="when the phone put the action in its outbox"
    )
    reason = serializers.CharField(required=False, allow_blank=True, help_text="failure code")
    delivered_to = serializers.CharField(
        required=False, allow_blank=True, help_text="recipient, household, safe_place or locker"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    photo = serializers.FileField(required=False)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)


class EventSerializer(serializers.ModelSerializer):
    tracking_id = serializers.CharField(source="package.tracking_id")
    photo_url = serializers.SerializerMethodField(
        help_text="the proof photo, fetched with the same key (null: no photo)"
    )

    def get_photo_url(self, event) -> str | None:
        if not event.photo:
            return None
        path = reverse("api:delivery-event-photo", kwargs={"pk": event.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    class Meta:
        model = DeliveryEvent
        fields = [
            "id",
            "route",
            "route_stop",
            "tracking_id",
            "kind",
            "reason",
            "delivered_to",
            "note",
            "photo_review",
            "photo_url",
            "within_window",
            "occurred_at",
            "idempotency_key",
        ]


class DayEventApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """Record a delivered / failed / returned package. 201 when recorded; 200 when the same
    idempotency key was already recorded (a resend records nothing new).
    """

    allowed_roles = ON_THE_ROAD
    queryset = Route.objects.all()
    serializer_class = EventInputSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request=EventInputSerializer,
        responses={
            200: EventSerializer,
            201: EventSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    def post(self, request):
        data = EventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        route = get_for_user_or_404(Route, request.user, pk=fields.pop("route"))
        event, created = delivery_record(route=route, **fields)
        return Response(
            EventSerializer(event, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DeliveryEventPhotoApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """A delivery event's proof photo, for the roles that see the event (the route's driver,
    the DSP's managers, program staff); another DSP's event is a 404."""

    allowed_roles = ON_THE_ROAD
    queryset = DeliveryEvent.objects.all()
    renderer_classes = file_renderers(ImageRenderer)
    filter_backends = ()
    pagination_class = None

    @extend_schema(responses={**file_schema("image/*", "The photo as the phone sent it.")})
    def get(self, request, pk: int):
        event = get_for_user_or_404(self.get_queryset(), request.user, pk=pk)
        if not event.photo:
            raise Http404("This event has no photo.")
        return file_response(request, serve_upload(event.photo), media_type="image/*")


class PunchInputSerializer(serializers.Serializer):
    route = serializers.IntegerField()
    kind = serializers.CharField(help_text="clock_in, break_start, break_end or clock_out")
    idempotency_key = serializers.CharField(max_length=64)
    at = serializers.DateTimeField(required=False)
    queued_at = serializers.DateTimeField(
        required=False, help_text="when the phone put the punch in its outbox"
    )
    odometer_km = serializers.IntegerField(required=False, min_value=0, max_value=2_000_000)
    vehicle_plate = serializers.CharField(
        required=False, allow_blank=True, help_text="the van's plate, confirmed at clock-in"
    )


class PunchSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShiftPunch
        fields = ["id", "driver", "route", "kind", "at", "odometer_km", "idempotency_key"]


class DayPunchApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """Clock in (confirming the van and its odometer), breaks and clock out."""

    allowed_roles = ON_THE_ROAD
    queryset = Route.objects.all()
    serializer_class = PunchInputSerializer

    @extend_schema(
        request=PunchInputSerializer,
        responses={201: PunchSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request):
        data = PunchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        route = get_for_user_or_404(Route, request.user, pk=fields.pop("route"))
        punch = punch_record(route=route, **fields)
        return Response(PunchSerializer(punch).data, status=status.HTTP_201_CREATED)


class ConfirmationSerializer(serializers.ModelSerializer):
    class Meta:
        model = DayConfirmation
        fields = ["id", "driver", "service_date", "available", "answered_at"]
        read_only_fields = ["id", "driver", "answered_at"]
        validators = []  # one answer per driver and day: a later answer replaces the first


class DayConfirmationApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """A driver answers whether they work on a date (rostered or on standby)."""

    allowed_roles = (Role.DRIVER,)
    queryset = DayConfirmation.objects.all()
    serializer_class = ConfirmationSerializer

    @extend_schema(
        request=ConfirmationSerializer,
        responses={200: ConfirmationSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request):
        data = ConfirmationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        driver = driver_for_user(user=request.user)
        if driver is None:
            raise Http404("No driver profile.")
        row = day_confirmation_answer(driver=driver, **data.validated_data)
        return Response(ConfirmationSerializer(row).data)
