"""Fleet API: the catalogue, leases, vans (with their actions), insurance, inspections,
maintenance and repairs. Thin: validate, call one service, serialise."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from dsps.models import STAFF_AND_MANAGERS, Role
from dsps.tenancy import LEASE, TenantScopedAPIMixin, dsp_for_write, get_for_user_or_404

from . import selectors, services
from .models import (
    CheckItem,
    Inspection,
    InsurancePolicy,
    Lease,
    MaintenanceSchedule,
    Repair,
    Vehicle,
    VehicleOffer,
)
from .serializers import (
    AvailableQuerySerializer,
    InspectionCreateSerializer,
    InspectionSerializer,
    InsurancePolicySerializer,
    LeaseCreateSerializer,
    LeaseReturnSerializer,
    LeaseSerializer,
    MaintenanceScheduleSerializer,
    RepairSerializer,
    VehicleGroundInputSerializer,
    VehicleOfferSerializer,
    VehicleSerializer,
)
from .services import ItemInput

ERRORS = {400: OpenApiResponse(description="Invalid input; errors keyed by field.")}
NOT_FOUND = {404: OpenApiResponse(description="No such object for you.")}


def _scoped(model, request, pk):
    """A row named in the request body, fetched the same way as one named in the URL."""
    return get_for_user_or_404(model, request.user, pk=pk)


@extend_schema_view(
    create=extend_schema(responses={201: VehicleOfferSerializer, **ERRORS}),
    update=extend_schema(responses={200: VehicleOfferSerializer, **ERRORS, **NOT_FOUND}),
    partial_update=extend_schema(responses={200: VehicleOfferSerializer, **ERRORS, **NOT_FOUND}),
)
class VehicleOfferViewSet(
    TenantScopedAPIMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The lease catalogue: every signed-in user reads it; program staff edit it."""

    queryset = VehicleOffer.objects.prefetch_related("insurance_options")
    serializer_class = VehicleOfferSerializer
    write_roles = (Role.PROGRAM_STAFF,)
    filterset_fields = ["kind", "energy_kind", "is_active"]

    def perform_create(self, serializer):
        serializer.instance = services.vehicle_offer_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.vehicle_offer_update(
            offer=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class LeaseViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """A DSP's leases, current and past."""

    queryset = Lease.objects.select_related("vehicle")
    serializer_class = LeaseSerializer
    allowed_roles = STAFF_AND_MANAGERS
    dsp_powers = {"create": LEASE}
    filterset_fields = ["is_peak", "vehicle", "offer"]

    @extend_schema(request=LeaseCreateSerializer, responses={201: LeaseSerializer, **ERRORS})
    def create(self, request):
        dsp = dsp_for_write(request.user)  # refuse program staff before reading the body
        data = LeaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lease = services.lease_create(dsp=dsp, **data.validated_data)
        return Response(LeaseSerializer(lease).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=LeaseReturnSerializer, responses={200: LeaseSerializer, **ERRORS, **NOT_FOUND}
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Hand the van back (a peak van may go back early)."""
        lease = self.get_object()
        data = LeaseReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lease = services.lease_return(lease=lease, on=data.validated_data.get("on"))
        return Response(LeaseSerializer(lease).data)


class VehicleViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Vehicle.objects.select_related("offer")
    serializer_class = VehicleSerializer
    filterset_fields = ["status", "kind"]
    write_roles = STAFF_AND_MANAGERS

    @extend_schema(
        request=VehicleGroundInputSerializer,
        responses={200: VehicleSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="ground")
    def ground(self, request, pk=None):
        """Take the van off the road until a repair and a passing inspection."""
        vehicle = self.get_object()
        data = VehicleGroundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vehicle = services.vehicle_ground(
            vehicle=vehicle, by=request.user, reason=data.validated_data.get("reason", "")
        )
        return Response(VehicleSerializer(vehicle).data)

    @extend_schema(
        parameters=[AvailableQuerySerializer], responses={200: VehicleSerializer(many=True)}
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def available(self, request):
        """Vans your DSP can put on a route on `on`: leased, insured, not grounded, and
        (today) inspected with a pass."""
        query = AvailableQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        dsp = dsp_for_write(request.user)
        on = query.validated_data.get("on") or dsp.station.today()
        vans = selectors.vehicles_available(dsp=dsp, on=on)
        page = self.paginate_queryset(vans)
        return self.get_paginated_response(VehicleSerializer(page, many=True).data)


class InsurancePolicyViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = InsurancePolicy.objects.all()
    serializer_class = InsurancePolicySerializer
    allowed_roles = STAFF_AND_MANAGERS
    filterset_fields = ["vehicle"]

    @extend_schema(
        request=InsurancePolicySerializer,
        responses={201: InsurancePolicySerializer, **ERRORS, **NOT_FOUND},
    )
    def create(self, request):
        dsp = dsp_for_write(request.user)  # refuse program staff before reading the body
        data = InsurancePolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if fields.get("vehicle") is not None:
            fields["vehicle"] = _scoped(Vehicle, request, fields["vehicle"].pk)
        policy = services.insurance_policy_create(dsp=dsp, **fields)
        return Response(InsurancePolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class InspectionViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """DVICs: drivers see the ones they did, managers their DSP's."""

    queryset = Inspection.objects.prefetch_related("items")
    serializer_class = InspectionSerializer
    filterset_fields = ["vehicle", "inspected_on", "result"]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": InspectionCreateSerializer},
        responses={201: InspectionSerializer, **ERRORS, **NOT_FOUND},
    )
    def create(self, request):
        """Submit a DVIC; an out-of-service defect grounds the van at once."""
        data = InspectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        vehicle = _scoped(Vehicle, request, fields["vehicle"].pk)
        items = {
            key: ItemInput(
                state=fields[key],
                note=fields.get(f"{key}_note", ""),
                photo=fields.get(f"{key}_photo"),
            )
            for key in CheckItem.values
        }
        inspection = services.inspection_submit(
            vehicle=vehicle,
            by=request.user,
            odometer_km=fields["odometer_km"],
            items=items,
            notes=fields.get("notes", ""),
            kind=fields["kind"],
        )
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


class MaintenanceScheduleViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = MaintenanceSchedule.objects.select_related("vehicle")
    serializer_class = MaintenanceScheduleSerializer
    allowed_roles = STAFF_AND_MANAGERS
    filterset_fields = ["vehicle"]

    @extend_schema(
        request=MaintenanceScheduleSerializer,
        responses={201: MaintenanceScheduleSerializer, **ERRORS, **NOT_FOUND},
    )
    def create(self, request):
        data = MaintenanceScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["vehicle"] = _scoped(Vehicle, request, fields["vehicle"].pk)
        schedule = services.maintenance_schedule_create(**fields)
        return Response(
            MaintenanceScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED
        )


class RepairViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Repair.objects.select_related("vehicle")
    serializer_class = RepairSerializer
    allowed_roles = STAFF_AND_MANAGERS
    filterset_fields = ["vehicle", "kind"]

    @extend_schema(
        request=RepairSerializer, responses={201: RepairSerializer, **ERRORS, **NOT_FOUND}
    )
    def create(self, request):
        data = RepairSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["vehicle"] = _scoped(Vehicle, request, fields["vehicle"].pk)
        if fields.get("schedule") is not None:
            fields["schedule"] = _scoped(MaintenanceSchedule, request, fields["schedule"].pk)
        repair = services.repair_log(by=request.user, **fields)
        return Response(RepairSerializer(repair).data, status=status.HTTP_201_CREATED)
