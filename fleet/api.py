from rest_framework import viewsets

from dsps.tenancy import TenantScopedAPIMixin

from .models import Vehicle
from .serializers import VehicleSerializer


class VehicleViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Vehicle.objects.all()
    serializer_class = VehicleSerializer
    filterset_fields = ["status", "kind"]
