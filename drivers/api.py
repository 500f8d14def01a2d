from rest_framework import viewsets

from dsps.tenancy import TenantScopedAPIMixin

from .models import Driver
from .serializers import DriverSerializer


class DriverViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Driver.objects.all()
    serializer_class = DriverSerializer
    filterset_fields = ["status"]
