"""Analytics API shapes: the query every table takes and one row serializer per table."""

from rest_framework import serializers


class AnalyticsQuerySerializer(serializers.Serializer):
    dsp = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The DSP (program staff must name one; members get their own).",
    )
    start = serializers.DateField(
        required=False, help_text="First station date (default: 4 weeks back)."
    )
    end = serializers.DateField(required=False, help_text="Last station date (default: yesterday).")


class DailyRateSerializer(serializers.Serializer):
    day = serializers.DateField()
    packages = serializers.IntegerField()
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()
    completion = serializers.FloatField(allow_null=True)
    measured = serializers.IntegerField()
    on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)


class _RecurringSerializer(serializers.Serializer):
    visits = serializers.IntegerField()
    bad = serializers.IntegerField(help_text="visits failed or late among the last 10")
    failed = serializers.IntegerField()
    late = serializers.IntegerField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    last_visit = serializers.DateField()


class RecurringAddressSerializer(_RecurringSerializer):
    address = serializers.CharField()


class RecurringAreaSerializer(_RecurringSerializer):
    area = serializers.CharField(help_text="south-west corner, lat,lon")
    bounds = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        help_text="[[south, west], [north, east]]",
    )


class EfficiencySerializer(serializers.Serializer):
    day = serializers.DateField()
    routes = serializers.IntegerField()
    stops = serializers.IntegerField()
    hours = serializers.FloatField()
    stops_per_hour = serializers.FloatField(allow_null=True)
    actual_km = serializers.FloatField(allow_null=True)
    planned_km = serializers.FloatField(allow_null=True)
    km_per_stop = serializers.FloatField(allow_null=True)
    actual_vs_planned = serializers.FloatField(allow_null=True)
    km_source = serializers.CharField(help_text='"pings", "sequence", both, or empty')


class LeaderboardSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    driver_id = serializers.IntegerField()
    driver = serializers.CharField()
    routes = serializers.IntegerField()
    packages = serializers.IntegerField()
    delivered = serializers.IntegerField()
    completion = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)
    incidents = serializers.IntegerField()
    incidents_per_100_routes = serializers.FloatField(allow_null=True)


class CostPerPackageSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    delivered = serializers.IntegerField()
    total_cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    revenue = serializers.DecimalField(max_digits=12, decimal_places=2)
    cost_per_package = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    revenue_per_package = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


def envelope(name: str, row_serializer):
    """The response shape of one table: the DSP and period it covers, then its rows."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "dsp": serializers.IntegerField(),
            "start": serializers.DateField(),
            "end": serializers.DateField(),
            "results": row_serializer(many=True),
        },
    )
