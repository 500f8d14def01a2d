"""Compliance API: actions (staff record, a DSP reads its own and answers) and offboarding."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from dsps.models import Dsp, Role
from dsps.tenancy import (
    TenantScopedAPIMixin,
    dsp_for_write,
    get_for_user_or_404,
    is_program_staff,
)
from nextmile.api import JSONParser

from . import services
from .models import ActionResponse, ComplianceAction, Offboarding
from .serializers import (
    ActionCreateSerializer,
    ActionDraftSerializer,
    ActionRespondSerializer,
    ActionResponseSerializer,
    ComplianceActionSerializer,
    EmptySerializer,
    ExitStartSerializer,
    OffboardingSerializer,
    ReasonSerializer,
    StepConfirmSerializer,
    StepPreviewSerializer,
    StepSerializer,
    TerminationPreviewSerializer,
)

READERS = (Role.PROGRAM_STAFF, Role.OWNER)
STAFF = (Role.PROGRAM_STAFF,)
ERRORS = {400: OpenApiResponse(description="Invalid input; errors keyed by field.")}
NOT_FOUND = {404: OpenApiResponse(description="No such object for you.")}
FORBIDDEN = {403: OpenApiResponse(description="Your role does not allow this.")}


api_urls: list = []


@extend_schema_view(
    create=extend_schema(
        request=ActionCreateSerializer,
        responses={201: ComplianceActionSerializer, **ERRORS, **FORBIDDEN, **NOT_FOUND},
    )
)
class ComplianceActionViewSet(
    TenantScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Program actions against DSPs: staff record them; a DSP's owner reads its own,
    acknowledges plans and answers."""

    queryset = ComplianceAction.objects.prefetch_related("responses")
    serializer_class = ComplianceActionSerializer
    allowed_roles = READERS
    write_roles = READERS
    filterset_fields = ["dsp", "kind"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def create(self, request, *args, **kwargs):
        """Program staff record an action. A termination runs only with the token of its
        preview (`termination-preview`): a missing token, or one whose DSP changed since
        (`confirm`), is refused with nothing done."""
        dsp, values = self._action_input(request, ActionCreateSerializer)
        created = services.action_create(dsp=dsp, by=request.user, **values)
        return Response(ComplianceActionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ActionDraftSerializer,
        responses={200: TerminationPreviewSerializer, **ERRORS, **FORBIDDEN, **NOT_FOUND},
    )
    @action(detail=False, methods=["post"], url_path="termination-preview")
    def termination_preview(self, request):
        """Program staff see what a termination will do, with the token that confirms it;
        nothing is written."""
        dsp, values = self._action_input(request, ActionDraftSerializer)
        if values["kind"] != ComplianceAction.Kind.TERMINATION:
            raise exceptions.ValidationError(
                {"kind": ["Only a termination is previewed; other actions need no token."]}
            )
        preview = services.action_termination_preview(
            dsp=dsp,
            by=request.user,
            reason=values["reason"],
            effective_on=values.get("effective_on"),
        )
        return Response(TerminationPreviewSerializer(preview).data)

    def _action_input(self, request, serializer) -> tuple[Dsp, dict]:
        """The DSP (staff only) and the service's arguments from the body."""
        if not is_program_staff(request.user):
            raise exceptions.PermissionDenied("Only program staff take compliance actions.")
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        return get_for_user_or_404(Dsp, request.user, pk=values.pop("dsp")), values

    @extend_schema(
        request=EmptySerializer,
        responses={200: ComplianceActionSerializer, **ERRORS, **FORBIDDEN, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The owner acknowledges a corrective-action plan (staff may record it for them)."""
        done = services.action_acknowledge(action=self.get_object(), by=request.user)
        return Response(ComplianceActionSerializer(done).data)

    @extend_schema(
        request=ReasonSerializer,
        responses={201: ComplianceActionSerializer, **ERRORS, **FORBIDDEN, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        """Program staff lift a suspension (recorded as a new action)."""
        target = self.get_object()
        if not is_program_staff(request.user):
            raise exceptions.PermissionDenied("Only program staff lift a suspension.")
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lifted = services.action_lift(
            action=target, by=request.user, reason=data.validated_data["reason"]
        )
        return Response(ComplianceActionSerializer(lifted).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    create=extend_schema(
        request=ActionRespondSerializer,
        responses={201: ActionResponseSerializer, **ERRORS, **FORBIDDEN, **NOT_FOUND},
    )
)
class ActionResponseViewSet(
    TenantScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Answers to actions: the DSP's owner answers (message, optional document as multipart);
    program staff reply in the same thread. The action is named in the body."""

    queryset = ActionResponse.objects.select_related("action")
    serializer_class = ActionResponseSerializer
    allowed_roles = READERS
    filterset_fields = ["action"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def create(self, request, *args, **kwargs):
        data = ActionRespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = get_for_user_or_404(
            ComplianceAction, request.user, pk=data.validated_data["action"]
        )
        response = services.action_respond(
            action=target,
            by=request.user,
            message=data.validated_data["message"],
            document=data.validated_data.get("document"),
        )
        return Response(ActionResponseSerializer(response).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    create=extend_schema(
        request=ExitStartSerializer,
        responses={201: OffboardingSerializer, **ERRORS, **FORBIDDEN, **NOT_FOUND},
    )
)
class OffboardingViewSet(
    TenantScopedAPIMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """DSP exits: an owner (or staff for it) starts a voluntary exit; staff run the steps.
    Terminations start from a termination action."""

    queryset = Offboarding.objects.all()
    serializer_class = OffboardingSerializer
    allowed_roles = READERS
    write_roles = READERS
    filterset_fields = ["dsp", "kind", "status"]

    def create(self, request, *args, **kwargs):
        data = ExitStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        dsp_id = values.pop("dsp", None)
        if is_program_staff(request.user):
            if dsp_id is None:
                return Response({"dsp": ["Choose the DSP."]}, status=status.HTTP_400_BAD_REQUEST)
            dsp = get_for_user_or_404(Dsp, request.user, pk=dsp_id)
        else:
            dsp = dsp_for_write(request.user)
        offboarding = services.offboarding_start(
            dsp=dsp, kind=Offboarding.Kind.VOLUNTARY, by=request.user, **values
        )
        return Response(OffboardingSerializer(offboarding).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StepSerializer,
        responses={200: StepPreviewSerializer, **ERRORS, **FORBIDDEN, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="step-preview")
    def step_preview(self, request, pk=None):
        """Program staff see what one step will do, with the token that confirms it; nothing
        is written."""
        offboarding, values = self._step_input(request, StepSerializer)
        preview = services.offboarding_step_check(
            offboarding=offboarding, by=request.user, **values
        )
        return Response(StepPreviewSerializer(preview).data)

    @extend_schema(
        request=StepConfirmSerializer,
        responses={200: OffboardingSerializer, **ERRORS, **FORBIDDEN, **NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        """Program staff run one step (territories, leases, settle or accounts), confirmed
        with the token of its preview: a missing token, or one whose figures changed since
        (`confirm`), is refused with nothing done."""
        offboarding, values = self._step_input(request, StepConfirmSerializer)
        offboarding = services.offboarding_step(offboarding=offboarding, by=request.user, **values)
        return Response(OffboardingSerializer(offboarding).data)

    def _step_input(self, request, serializer) -> tuple[Offboarding, dict]:
        """The offboarding (staff only) and the service's arguments from the body: the step,
        its transfers (leases step only, lease id → DSP id) and any `confirm` token."""
        offboarding = self.get_object()
        if not is_program_staff(request.user):
            raise exceptions.PermissionDenied("Only program staff run offboarding steps.")
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        transfers = {t["lease"]: t["to_dsp"] for t in values.pop("transfers", None) or []}
        values["transfers"] = transfers if values["step"] == "leases" else None
        return offboarding, values


def register(router):
    """Register this app's viewsets on the root API router."""
    router.register("compliance/actions", ComplianceActionViewSet, basename="compliance-action")
    router.register("compliance/responses", ActionResponseViewSet, basename="compliance-response")
    router.register("compliance/offboardings", OffboardingViewSet, basename="offboarding")
