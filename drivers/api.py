"""Drivers' API: roster, assignable drivers, hiring, training, availability, time off, safety."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dsps.models import DSP_MANAGER_ROLES, STAFF_AND_MANAGERS, Role
from dsps.tenancy import HIRE, TenantScopedAPIMixin, dsp_for_write, get_for_user_or_404

from . import selectors, services
from .models import (
    Applicant,
    Driver,
    SafetyIncident,
    TimeOff,
    TrainingCompletion,
    TrainingModule,
    WeeklyAvailability,
)
from .serializers import (
    ApplicantMoveSerializer,
    ApplicantSerializer,
    AssignableDriverSerializer,
    AssignableQuerySerializer,
    DriverSerializer,
    SafetyIncidentInputSerializer,
    SafetyIncidentSerializer,
    TimeOffInputSerializer,
    TimeOffSerializer,
    TrainingAttemptSerializer,
    TrainingCompletionSerializer,
    TrainingModuleSerializer,
    WeeklyAvailabilitySerializer,
)

ERRORS = {400: OpenApiResponse(description="Invalid input; errors keyed by field."),
          404: OpenApiResponse(description="No such object for this user.")}  # fmt: skip


class DriverViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Driver.objects.all()
    serializer_class = DriverSerializer
    filterset_fields = ["status"]

    @extend_schema(
        parameters=[AssignableQuerySerializer],
        responses={200: AssignableDriverSerializer(many=True), 400: ERRORS[400]},
    )
    @action(detail=False, serializer_class=AssignableDriverSerializer, filter_backends=[])
    def assignable(self, request):
        """Your DSP's drivers who may drive on `on`: active, licensed, trained and available."""
        query = AssignableQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or selectors.today_for(request.user)
        drivers = selectors.assignable_for_user(user=request.user, on=on)
        page = self.paginate_queryset(drivers)
        return self.get_paginated_response(AssignableDriverSerializer(page, many=True).data)


class ApplicantViewSet(
    TenantScopedAPIMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Applicant.objects.all()
    serializer_class = ApplicantSerializer
    allowed_roles = STAFF_AND_MANAGERS
    write_roles = DSP_MANAGER_ROLES
    dsp_powers = {"create": HIRE}
    filterset_fields = ["stage", "source"]

    @extend_schema(responses={201: ApplicantSerializer, 400: ERRORS[400]})
    def create(self, request, *args, **kwargs):
        data = ApplicantSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "dsp"}
        applicant = services.applicant_create(dsp=dsp_for_write(request.user), **fields)
        return Response(ApplicantSerializer(applicant).data, status=status.HTTP_201_CREATED)


class ApplicantMoveApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """Move an applicant to the next hiring stage; `hired` creates the driver and invites them."""

    queryset = Applicant.objects.all()
    serializer_class = ApplicantMoveSerializer
    allowed_roles = DSP_MANAGER_ROLES
    dsp_powers = {"post": HIRE}

    @extend_schema(request=ApplicantMoveSerializer, responses={200: ApplicantSerializer, **ERRORS})
    def post(self, request):
        data = ApplicantMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        applicant = get_for_user_or_404(
            self.get_queryset(), request.user, pk=data.validated_data["applicant"]
        )
        moved = services.applicant_move(
            applicant=applicant,
            stage=data.validated_data["stage"],
            hourly_rate=data.validated_data.get("hourly_rate"),
            base_url=request.build_absolute_uri("/"),
            by=request.user,
        )
        return Response(ApplicantSerializer(moved).data)


class TrainingModuleViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = TrainingModule.objects.prefetch_related("questions__choices")
    serializer_class = TrainingModuleSerializer
    filterset_fields = ["audience", "is_active"]


class TrainingCompletionViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = TrainingCompletion.objects.all()
    serializer_class = TrainingCompletionSerializer
    filterset_fields = ["module", "driver", "passed"]


class TrainingAttemptApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """Answer a module's quiz: the attempt is scored and recorded, passed or not."""

    queryset = TrainingModule.objects.all()
    serializer_class = TrainingAttemptSerializer
    allowed_roles = (Role.DRIVER, Role.OWNER)

    @extend_schema(
        request=TrainingAttemptSerializer,
        responses={201: TrainingCompletionSerializer, **ERRORS},
    )
    def post(self, request):
        data = TrainingAttemptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        module = get_for_user_or_404(
            self.get_queryset(), request.user, pk=data.validated_data["module"]
        )
        completion = services.training_attempt_record(
            user=request.user, module=module, answers=data.validated_data["answers"]
        )
        return Response(
            TrainingCompletionSerializer(completion).data, status=status.HTTP_201_CREATED
        )


class WeeklyAvailabilityViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = WeeklyAvailability.objects.all()
    serializer_class = WeeklyAvailabilitySerializer
    filterset_fields = ["driver", "weekday"]


class TimeOffViewSet(
    TenantScopedAPIMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = TimeOff.objects.all()
    serializer_class = TimeOffSerializer
    filterset_fields = ["driver"]

    @extend_schema(request=TimeOffInputSerializer, responses={201: TimeOffSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        data = TimeOffInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        driver = get_for_user_or_404(Driver, request.user, pk=fields.pop("driver"))
        time_off = services.time_off_add(driver=driver, **fields)
        return Response(TimeOffSerializer(time_off).data, status=status.HTTP_201_CREATED)


class SafetyIncidentViewSet(
    TenantScopedAPIMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = SafetyIncident.objects.all()
    serializer_class = SafetyIncidentSerializer
    write_roles = STAFF_AND_MANAGERS
    filterset_fields = ["driver", "kind", "severity"]

    @extend_schema(
        request=SafetyIncidentInputSerializer, responses={201: SafetyIncidentSerializer, **ERRORS}
    )
    def create(self, request, *args, **kwargs):
        data = SafetyIncidentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        driver = get_for_user_or_404(Driver, request.user, pk=fields.pop("driver"))
        incident = services.safety_incident_record(driver=driver, **fields)
        return Response(SafetyIncidentSerializer(incident).data, status=status.HTTP_201_CREATED)
