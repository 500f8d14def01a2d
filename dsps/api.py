"""API of the tenant root: who am I, stations, DSPs."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.response import Response

from .models import Dsp, Station
from .serializers import DspSerializer, MeSerializer, StationSerializer
from .tenancy import TenantScopedAPIMixin, dsp_of, role_of


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


class StationViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Station.objects.all()
    serializer_class = StationSerializer
    filterset_fields = ["code", "timezone"]


class DspViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Dsp.objects.select_related("station")
    serializer_class = DspSerializer
    filterset_fields = ["status", "station"]
