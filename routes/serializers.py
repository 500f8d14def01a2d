from rest_framework import serializers

from .models import Route


class RouteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Route
        fields = [
            "id",
            "dsp",
            "station",
            "service_date",
            "code",
            "driver",
            "vehicle",
            "status",
            "planned_stops",
            "planned_km",
        ]
