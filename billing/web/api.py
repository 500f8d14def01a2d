"""Billing API: rates (staff write, all read), scorecards, statements and their actions,
disputes, and the owner's finances. Thin: validate, call one service, serialise."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from billing import selectors, services
from billing.models import Dispute, PeakPeriod, RateCard, Scorecard, Statement, StatementLine
from billing.statements.exports import statement_csv, statement_filename, statement_pdf
from billing.web.serializers import (
    DisputeResolveSerializer,
    DisputeSerializer,
    EmptySerializer,
    FinancesSerializer,
    PeakPeriodSerializer,
    RateCardSerializer,
    ScorecardSerializer,
    StatementLineInputSerializer,
    StatementLineSerializer,
    StatementSerializer,
    ThresholdSetInputSerializer,
)
from dsps.models import STAFF_AND_MANAGERS, Role, Station
from dsps.tenancy import (
    TenantScopedAPIMixin,
    dsp_for_write,
    get_for_user_or_404,
    is_program_staff,
)
from nextmile.api import CsvRenderer, PdfRenderer, file_renderers, file_response, file_schema

STAFF = (Role.PROGRAM_STAFF,)
ERRORS = {400: OpenApiResponse(description="Invalid input; errors keyed by field.")}
NOT_FOUND = {404: OpenApiResponse(description="No such object for you.")}


@extend_schema_view(create=extend_schema(responses={201: RateCardSerializer, **ERRORS}))
class RateCardViewSet(TenantScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rate cards: every signed-in user reads them; program staff add versions."""

    queryset = RateCard.objects.select_related("station")
    serializer_class = RateCardSerializer
    write_roles = STAFF
    filterset_fields = ["station"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.rate_card_create(
            station=data.pop("station"),
            effective_from=data.pop("effective_from"),
            by=self.request.user,
            **data,
        )


@extend_schema_view(create=extend_schema(responses={201: PeakPeriodSerializer, **ERRORS}))
class PeakPeriodViewSet(
    TenantScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Peak periods: every signed-in user reads them; program staff add them."""

    queryset = PeakPeriod.objects.select_related("station")
    serializer_class = PeakPeriodSerializer
    write_roles = STAFF
    filterset_fields = ["station"]

    def perform_create(self, serializer):
        serializer.instance = services.peak_period_create(
            **serializer.validated_data, by=self.request.user
        )


class ThresholdSetApi(TenantScopedAPIMixin, GenericAPIView):
    """Program staff set a station's scorecard thresholds from a week on."""

    serializer_class = ThresholdSetInputSerializer
    allowed_roles = STAFF

    @extend_schema(
        request=ThresholdSetInputSerializer, responses={201: ThresholdSetInputSerializer, **ERRORS}
    )
    def post(self, request):
        data = ThresholdSetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        station = get_for_user_or_404(Station, request.user, pk=values.pop("station"))
        row = services.threshold_set_save(station=station, by=request.user, **values)
        return Response(
            ThresholdSetInputSerializer(
                {
                    "station": row.station_id,
                    "week_start": row.week_start,
                    "thresholds": row.thresholds,
                    "weights": row.weights,
                    "escalation_cap": row.escalation_cap,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )


class ScorecardViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Scorecard.objects.all()
    serializer_class = ScorecardSerializer
    allowed_roles = STAFF_AND_MANAGERS
    filterset_fields = ["dsp", "week_start", "tier"]


class StatementViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Statement.objects.prefetch_related("lines")
    serializer_class = StatementSerializer
    allowed_roles = STAFF_AND_MANAGERS
    write_roles = STAFF
    filterset_fields = ["dsp", "week_start", "status"]

    @extend_schema(
        request=EmptySerializer, responses={200: StatementSerializer, **ERRORS, **NOT_FOUND}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a draft: it is immutable from then on."""
        statement = services.statement_approve(statement=self.get_object(), by=request.user)
        return Response(StatementSerializer(statement).data)

    @extend_schema(
        request=EmptySerializer, responses={200: StatementSerializer, **ERRORS, **NOT_FOUND}
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Record that an approved statement was paid."""
        statement = services.statement_mark_paid(statement=self.get_object())
        return Response(StatementSerializer(statement).data)

    @extend_schema(responses={**file_schema("application/pdf", "The statement as a PDF.")})
    @action(detail=True, methods=["get"], renderer_classes=file_renderers(PdfRenderer))
    def pdf(self, request, pk=None):
        """The statement as the PDF the statement page downloads."""
        statement = self.get_object()
        return file_response(
            request,
            statement_pdf(statement),
            media_type="application/pdf",
            filename=statement_filename(statement, "pdf"),
        )

    @extend_schema(responses={**file_schema("text/csv", "The statement's lines as CSV.")})
    @action(detail=True, methods=["get"], renderer_classes=file_renderers(CsvRenderer))
    def csv(self, request, pk=None):
        """The statement's lines and totals as the CSV the statement page downloads."""
        statement = self.get_object()
        return file_response(
            request,
            statement_csv(statement),
            media_type="text/csv",
            filename=statement_filename(statement, "csv"),
        )

    @extend_schema(
        request=StatementLineInputSerializer,
        responses={201: StatementLineSerializer, **ERRORS, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="lines", url_name="add-line")
    def add_line(self, request, pk=None):
        """A chargeback, fine or adjustment on a draft statement."""
        statement = self.get_object()
        data = StatementLineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.statement_line_add(statement=statement, **data.validated_data)
        return Response(StatementLineSerializer(line).data, status=status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(responses={201: DisputeSerializer, **ERRORS}))
class DisputeViewSet(TenantScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A DSP disputes a line of its approved statement; staff resolve."""

    queryset = Dispute.objects.select_related("line__statement")
    serializer_class = DisputeSerializer
    allowed_roles = STAFF_AND_MANAGERS
    filterset_fields = ["status"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        line = get_for_user_or_404(StatementLine, self.request.user, pk=data["line"].pk)
        serializer.instance = services.dispute_open(
            line=line, by=self.request.user, message=data["message"], amount=data["amount"]
        )

    @extend_schema(
        request=DisputeResolveSerializer, responses={200: DisputeSerializer, **ERRORS, **NOT_FOUND}
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Program staff uphold (paid on the next statement) or reject a dispute."""
        if not is_program_staff(request.user):
            raise PermissionDenied("Only program staff resolve disputes.")
        dispute = self.get_object()
        data = DisputeResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispute = services.dispute_resolve(dispute=dispute, **data.validated_data)
        return Response(DisputeSerializer(dispute).data)


class FinancesApi(TenantScopedAPIMixin, GenericAPIView):
    """The owner's weekly P&L and 12-week cash-flow projection."""

    serializer_class = FinancesSerializer
    allowed_roles = (Role.OWNER,)

    @extend_schema(responses={200: FinancesSerializer})
    def get(self, request):
        data = selectors.finances(dsp=dsp_for_write(request.user))
        return Response(FinancesSerializer(data).data)
