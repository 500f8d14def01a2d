"""API of the tenant root: who am I, stations, DSPs, applications, territories, audit trail."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from .models import AuditEvent, Dsp, DspApplication, Role, Station, Territory, TerritoryRequest
from .selectors import application_of_user, territory_visible
from .serializers import (
    ApplicationDecisionSerializer,
    ApplicationDraftSerializer,
    ApplicationSerializer,
    AuditEventSerializer,
    DspSerializer,
    MeSerializer,
    StationSerializer,
    TerritoryAssignSerializer,
    TerritoryRequestDecisionSerializer,
    TerritoryRequestSerializer,
    TerritorySerializer,
)
from .services import (
    application_approve,
    application_reject,
    application_request_changes,
    application_submit,
    application_update,
    station_create,
    station_update,
    territory_assign,
    territory_create,
    territory_release,
    territory_request_create,
    territory_request_decide,
)
from .services.applications import DOCUMENT_FIELDS
from .tenancy import TenantScopedAPIMixin, dsp_for_write, dsp_of, require_role, role_of

ERRORS = {400: OpenApiResponse(description="Invalid input: messages keyed by field")}
NOT_FOUND = {404: OpenApiResponse(description="No such object for this user")}


class MeApi(TenantScopedAPIMixin, generics.GenericAPIView):
    """The signed-in user, their role and DSP."""

    serializer_class = MeSerializer

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        data = {
            "id": user.id,
            "email": user.email,
            "name": user.get_full_name() or user.email,
            "role": role_of(user),
            "dsp": dsp_of(user),
        }
        return Response(MeSerializer(data).data)


class StationViewSet(
    TenantScopedAPIMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Stations: every signed-in user reads them; program staff add and change them."""

    queryset = Station.objects.all()
    serializer_class = StationSerializer
    write_roles = (Role.PROGRAM_STAFF,)
    filterset_fields = ["code", "timezone"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(responses={201: StationSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        data = StationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        station = station_create(**data.validated_data)
        return Response(StationSerializer(station).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: StationSerializer, **ERRORS, **NOT_FOUND})
    def partial_update(self, request, *args, **kwargs):
        station = self.get_object()
        data = StationSerializer(station, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        station = station_update(station=station, by=request.user, **data.validated_data)
        return Response(StationSerializer(station).data)


class DspViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Dsp.objects.select_related("station")
    serializer_class = DspSerializer
    filterset_fields = ["status", "station"]


class ApplicationViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """DSP applications: an owner sees and edits its own; staff see all and decide."""

    queryset = DspApplication.objects.select_related(
        "dsp", "applicant", "requested_station", "requested_territory"
    )
    serializer_class = ApplicationSerializer
    allowed_roles = (Role.PROGRAM_STAFF, Role.OWNER)
    filterset_fields = ["status", "requested_station"]

    def _own(self, request) -> DspApplication:
        require_role(request.user, Role.OWNER)
        application = application_of_user(user=request.user)
        if application is None:
            raise NotFound("Your DSP has no application.")
        return application

    @extend_schema(
        request=ApplicationDraftSerializer,
        responses={200: ApplicationSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(detail=False, methods=["patch"], url_path="mine")
    def mine(self, request):
        """Save fields (and documents, as multipart) of the owner's own draft."""
        application = self._own(request)
        data = ApplicationDraftSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k not in DOCUMENT_FIELDS}
        files = {k: v for k, v in data.validated_data.items() if k in DOCUMENT_FIELDS}
        application = application_update(
            application=application, by=request.user, fields=fields, files=files
        )
        return Response(ApplicationSerializer(application).data)

    @extend_schema(request=None, responses={200: ApplicationSerializer, **ERRORS, **NOT_FOUND})
    @action(detail=False, methods=["post"])
    def submit(self, request):
        """Submit the owner's own application for review (locks it)."""
        application = application_submit(application=self._own(request), by=request.user)
        return Response(ApplicationSerializer(application).data)

    @extend_schema(
        request=ApplicationDecisionSerializer,
        responses={200: ApplicationSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Staff: approve (optionally with a territory), request changes, or reject."""
        require_role(request.user, Role.PROGRAM_STAFF)
        application = self.get_object()
        data = ApplicationDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        if d["decision"] == "approve":
            application = application_approve(
                application=application,
                by=request.user,
                territory=d["territory"],
                documents_verified=d["documents_verified"],
                message=d["reason"],
            )
        elif d["decision"] == "reject":
            application = application_reject(
                application=application, by=request.user, reason=d["reason"]
            )
        else:
            application = application_request_changes(
                application=application, by=request.user, message=d["reason"]
            )
        return Response(ApplicationSerializer(application).data)


class TerritoryViewSet(
    TenantScopedAPIMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Territories: staff see and draw all; a DSP sees its own and the open ones on offer."""

    queryset = Territory.objects.select_related("station", "dsp")
    serializer_class = TerritorySerializer
    allowed_roles = (Role.PROGRAM_STAFF, Role.OWNER, Role.DISPATCHER)
    write_roles = (Role.PROGRAM_STAFF,)
    filterset_fields = ["station", "dsp"]

    def get_queryset(self):
        return territory_visible(user=self.request.user)

    @extend_schema(responses={201: TerritorySerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        data = TerritorySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        territory = territory_create(
            station=d["station"],
            code=d["code"],
            name=d["name"],
            boundary=d["boundary"],
            postal_codes=d.get("postal_codes", []),
            by=request.user,
        )
        return Response(TerritorySerializer(territory).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TerritoryAssignSerializer,
        responses={200: TerritorySerializer, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Staff: give the territory to a DSP (exclusively) or release it (`dsp: null`)."""
        territory = self.get_object()
        data = TerritoryAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dsp, reason = data.validated_data["dsp"], data.validated_data["reason"]
        if dsp is None:
            territory_release(territory=territory, by=request.user, reason=reason)
        else:
            territory_assign(territory=territory, dsp=dsp, by=request.user, reason=reason)
        return Response(TerritorySerializer(territory).data)


class TerritoryRequestViewSet(
    TenantScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """A DSP owner asks for an open territory or to release one; staff decide."""

    queryset = TerritoryRequest.objects.select_related("dsp", "territory")
    serializer_class = TerritoryRequestSerializer
    allowed_roles = (Role.PROGRAM_STAFF, Role.OWNER, Role.DISPATCHER)
    write_roles = (Role.PROGRAM_STAFF, Role.OWNER)
    filterset_fields = ["status", "kind"]

    @extend_schema(responses={201: TerritoryRequestSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        require_role(request.user, Role.OWNER)
        data = TerritoryRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        territory = get_object_or_404(
            territory_visible(user=request.user), pk=data.validated_data["territory"].pk
        )
        created = territory_request_create(
            dsp=dsp_for_write(request.user),
            by=request.user,
            territory=territory,
            kind=data.validated_data["kind"],
            note=data.validated_data.get("note", ""),
        )
        return Response(TerritoryRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TerritoryRequestDecisionSerializer,
        responses={200: TerritoryRequestSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Staff: approve or reject (with a reason) a pending request."""
        require_role(request.user, Role.PROGRAM_STAFF)
        territory_request = self.get_object()
        data = TerritoryRequestDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = territory_request_decide(
            territory_request=territory_request,
            by=request.user,
            approve=data.validated_data["decision"] == "approve",
            reason=data.validated_data["reason"],
        )
        return Response(TerritoryRequestSerializer(decided).data)


class AuditEventViewSet(TenantScopedAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The program's decision trail (staff only)."""

    queryset = AuditEvent.objects.select_related("actor", "dsp")
    serializer_class = AuditEventSerializer
    allowed_roles = (Role.PROGRAM_STAFF,)
    filterset_fields = ["verb", "target_type", "dsp"]
