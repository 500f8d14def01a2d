"""Network API (program console): DSP capacity rows, coverage, fair-allocation proposals,
the peak plan and peak lease offers. Staff see every DSP; a DSP owner reads only its own
capacity row and its own peak offers; everything else is staff-only (403)."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from dsps.models import DSP_MANAGER_ROLES, Role
from dsps.tenancy import TenantScopedAPIMixin, get_for_user_or_404

from . import selectors, services
from .models import AllocationProposal
from .serializers import (
    CoverageSerializer,
    DspRowSerializer,
    PeakOfferSerializer,
    PeakPlanSerializer,
    ProposalSerializer,
    ProposeSerializer,
    StationInputSerializer,
    WhereSerializer,
)

STAFF = (Role.PROGRAM_STAFF,)
UNCOVERED_LIMIT = 500
WHERE = [
    OpenApiParameter("station", int, description="Station id (default: the first station)"),
    OpenApiParameter(
        "date", OpenApiTypes.DATE, description="Service date YYYY-MM-DD (default: today)"
    ),
]


def _where(request):
    params = WhereSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    station = selectors.pick_station(
        user=request.user, station_id=params.validated_data.get("station")
    )
    day = params.validated_data.get("date") or station.today()
    return station, day


class NetworkDspsApi(TenantScopedAPIMixin, GenericAPIView):
    """Per DSP of a station and day: routes, stops, vans, capacity, shares, tier, people.
    An owner gets only its own row."""

    serializer_class = DspRowSerializer
    allowed_roles = (Role.PROGRAM_STAFF, Role.OWNER)
    filter_backends = ()

    @extend_schema(parameters=WHERE, responses={200: DspRowSerializer(many=True)})
    def get(self, request):
        station, day = _where(request)
        rows = selectors.dsp_rows(user=request.user, station=station, day=day)
        page = self.paginate_queryset(list(rows))
        return self.get_paginated_response(DspRowSerializer(page, many=True).data)


class NetworkCoverageApi(TenantScopedAPIMixin, GenericAPIView):
    """Territories with holder and last completion rate, unassigned ones, uncovered stops."""

    serializer_class = CoverageSerializer
    allowed_roles = STAFF
    filter_backends = ()

    @extend_schema(parameters=WHERE, responses={200: CoverageSerializer})
    def get(self, request):
        station, day = _where(request)
        rows = selectors.dsp_rows(user=request.user, station=station, day=day)
        features = selectors.territory_features(station=station, rows=rows)["features"]
        uncovered = selectors.uncovered_stops(station=station, day=day)
        data = {
            "station": station.pk,
            "date": day,
            "territories": [f["properties"] for f in features],
            "unassigned_territories": [
                t.code for t in selectors.unassigned_territories(station=station)
            ],
            "uncovered_count": uncovered.count(),
            "uncovered": list(
                uncovered.values("id", "address", "package_count", "latitude", "longitude")[
                    :UNCOVERED_LIMIT
                ]
            ),
        }
        return Response(CoverageSerializer(data).data)


class AllocationProposalListApi(TenantScopedAPIMixin, GenericAPIView):
    """Program staff ask for a fair-allocation proposal for a station day (nothing moves)."""

    serializer_class = ProposeSerializer
    allowed_roles = STAFF
    filter_backends = ()

    @extend_schema(request=ProposeSerializer, responses={201: ProposalSerializer})
    def post(self, request):
        data = ProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        station = selectors.pick_station(
            user=request.user, station_id=data.validated_data["station"]
        )
        proposal = services.allocation_propose(
            user=request.user, station=station, service_date=data.validated_data["date"]
        )
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


class AllocationProposalDetailApi(TenantScopedAPIMixin, GenericAPIView):
    """One proposal: moves and fairness before / after."""

    serializer_class = ProposalSerializer
    allowed_roles = STAFF
    queryset = AllocationProposal.objects.all()

    @extend_schema(responses={200: ProposalSerializer})
    def get(self, request, pk: int):
        proposal = get_for_user_or_404(AllocationProposal, request.user, pk=pk)
        return Response(ProposalSerializer(proposal).data)


class AllocationProposalApplyApi(TenantScopedAPIMixin, GenericAPIView):
    """Apply a proposal (once; a stale one is refused with a 400 on `proposal`)."""

    serializer_class = ProposalSerializer
    allowed_roles = STAFF

    @extend_schema(request=None, responses={200: ProposalSerializer})
    def post(self, request, pk: int):
        proposal = get_for_user_or_404(AllocationProposal, request.user, pk=pk)
        proposal = services.allocation_apply(user=request.user, proposal=proposal)
        return Response(ProposalSerializer(proposal).data)


class PeakPlanApi(TenantScopedAPIMixin, GenericAPIView):
    """Eight-week forecast, vans and drivers needed, and each DSP's extra peak vans."""

    serializer_class = PeakPlanSerializer
    allowed_roles = STAFF
    filter_backends = ()

    @extend_schema(parameters=WHERE[:1], responses={200: PeakPlanSerializer})
    def get(self, request):
        station, _ = _where(request)
        plan = selectors.peak_plan(user=request.user, station=station)
        return Response(PeakPlanSerializer(plan).data)


class PeakOfferListApi(TenantScopedAPIMixin, GenericAPIView):
    """Peak lease offers (a DSP's managers: their own); staff send the plan's offers."""

    serializer_class = PeakOfferSerializer
    allowed_roles = (Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES)
    write_roles = STAFF

    def get_queryset(self):
        return selectors.peak_offer_list(user=self.request.user)

    @extend_schema(responses={200: PeakOfferSerializer(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PeakOfferSerializer(page, many=True).data)

    @extend_schema(request=StationInputSerializer, responses={201: PeakOfferSerializer(many=True)})
    def post(self, request):
        data = StationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        station = selectors.pick_station(
            user=request.user, station_id=data.validated_data["station"]
        )
        offers = services.peak_offers_send(user=request.user, station=station)
        return Response(PeakOfferSerializer(offers, many=True).data, status=status.HTTP_201_CREATED)


api_urls = [
    path("network/dsps/", NetworkDspsApi.as_view(), name="network-dsps"),
    path("network/coverage/", NetworkCoverageApi.as_view(), name="network-coverage"),
    path(
        "network/allocation-proposals/",
        AllocationProposalListApi.as_view(),
        name="network-allocation-list",
    ),
    path(
        "network/allocation-proposals/<int:pk>/",
        AllocationProposalDetailApi.as_view(),
        name="network-allocation-detail",
    ),
    path(
        "network/allocation-proposals/<int:pk>/apply/",
        AllocationProposalApplyApi.as_view(),
        name="network-allocation-apply",
    ),
    path("network/peak-plan/", PeakPlanApi.as_view(), name="network-peak-plan"),
    path("network/peak-offers/", PeakOfferListApi.as_view(), name="network-peak-offers"),
]


def register(router):
    """The network's endpoints are plain views in `api_urls`; no viewsets."""
