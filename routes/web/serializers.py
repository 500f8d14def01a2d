from rest_framework import serializers

from dsps.models import Dsp, Station
from nextmile.dates import DayField
from routes.models import PlanJob, Route, RouteStop, Stop
from routes.planning.jobs import plan_job_progress


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
            "plan_job",
            "departs_at",
            "returns_at",
            "distance_m",
            "drive_s",
            "service_s",
            "load",
            "energy",
            "energy_unit",
            "co2_kg",
            "cost",
            "problems",
        ]


class StopSerializer(serializers.ModelSerializer):
    service_date = serializers.DateField(source="manifest.service_date", read_only=True)

    class Meta:
        model = Stop
        fields = [
            "id",
            "service_date",
            "dsp",
            "address",
            "latitude",
            "longitude",
            "package_count",
            "size",
            "weight_g",
            "window_start",
            "window_end",
            "service_time_s",
            "priority",
            "drop_reason",
            "allocated_by_hand",
        ]


class RouteStopSerializer(serializers.ModelSerializer):
    stop = StopSerializer(read_only=True)

    class Meta:
        model = RouteStop
        fields = [
            "id",
            "route",
            "sequence",
            "planned_arrival",
            "planned_start",
            "leg_distance_m",
            "stop",
        ]


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ManifestImportInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    service_date = DayField()
    station = serializers.PrimaryKeyRelatedField(
        queryset=Station.objects.all(), required=False, help_text="program staff only"
    )


class ManifestImportOutputSerializer(serializers.Serializer):
    manifest = serializers.IntegerField(source="manifest.id")
    packages = serializers.IntegerField()
    stops_created = serializers.IntegerField()
    stops_merged = serializers.IntegerField()
    uncovered = serializers.IntegerField()


class ManifestImportErrorSerializer(serializers.Serializer):
    file = serializers.ListField(child=serializers.CharField(), required=False)
    row_errors = RowErrorSerializer(many=True, required=False)


class StopAllocateInputSerializer(serializers.Serializer):
    stop = serializers.IntegerField()
    dsp = serializers.PrimaryKeyRelatedField(queryset=Dsp.objects.all())


class PlanJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = PlanJob
        fields = [
            "id",
            "station",
            "service_date",
            "dsp",
            "status",
            "time_limit_s",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "summary",
            "error",
            "progress",
        ]
        read_only_fields = fields

    def get_progress(self, job) -> dict:
        return plan_job_progress(job)


class PlanJobInputSerializer(serializers.Serializer):
    service_date = DayField()
    time_limit_s = serializers.IntegerField(min_value=1, max_value=600, default=30)
    station = serializers.PrimaryKeyRelatedField(
        queryset=Station.objects.all(), required=False, help_text="program staff only"
    )


class RouteStopMoveInputSerializer(serializers.Serializer):
    to_route = serializers.IntegerField(required=False, help_text="default: the stop's route")
    position = serializers.IntegerField(
        min_value=1, required=False, help_text="1-based; default: where it is"
    )


class RoutePackageSerializer(serializers.Serializer):
    """A package on a route: its tracking id, where it is on the route and its state."""

    id = serializers.IntegerField()
    tracking_id = serializers.CharField()
    route_stop = serializers.IntegerField(source="route_stop.pk")
    sequence = serializers.IntegerField(source="route_stop.sequence")
    stop = serializers.IntegerField(source="stop_id")
    recipient_name = serializers.CharField()
    address = serializers.CharField()
    size = serializers.IntegerField()
    weight_g = serializers.IntegerField()
    priority = serializers.CharField()
    window_start = serializers.TimeField(allow_null=True)
    window_end = serializers.TimeField(allow_null=True)
    state = serializers.ChoiceField(
        choices=["pending", "loaded", "delivered", "failed", "returned"],
        help_text="From its delivery events: delivered or returned is final.",
    )


class PlanConflictSerializer(serializers.Serializer):
    """A plan of the same day is already queued or running: `job` is its id, to poll."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="Always `conflict`.")
    job = serializers.IntegerField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
