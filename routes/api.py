from rest_framework import viewsets

from dsps.tenancy import TenantScopedAPIMixin

from .models import Route
from .serializers import RouteSerializer


class RouteViewSet(TenantScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Route.objects.select_related("dsp")
    serializer_class = RouteSerializer
    filterset_fields = ["service_date", "status"]
