"""Network API shapes."""

from rest_framework import serializers

from nextmile.dates import DayField

from .models import AllocationProposal, PeakLeaseOffer


class WhereSerializer(serializers.Serializer):
    station = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    date = DayField(required=False)


class DspRowSerializer(serializers.Serializer):
    dsp = serializers.IntegerField(source="dsp.pk")
    name = serializers.CharField(source="dsp.name")
    routes = serializers.IntegerField()
    stops = serializers.IntegerField()
    vans = serializers.IntegerField()
    capacity = serializers.IntegerField()
    volume_share = serializers.FloatField()
    capacity_share = serializers.FloatField()
    tier = serializers.CharField()
    dcr = serializers.FloatField(allow_null=True)
    headcount = serializers.IntegerField()
    jobs_created = serializers.IntegerField()


class TerritoryRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    holder = serializers.CharField()
    dcr = serializers.FloatField(allow_null=True)


class UncoveredStopSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    address = serializers.CharField()
    package_count = serializers.IntegerField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)


class CoverageSerializer(serializers.Serializer):
    station = serializers.IntegerField()
    date = DayField()
    territories = TerritoryRowSerializer(many=True)
    unassigned_territories = serializers.ListField(child=serializers.CharField())
    uncovered_count = serializers.IntegerField()
    uncovered = UncoveredStopSerializer(many=True)


class FairnessRowSerializer(serializers.Serializer):
    dsp = serializers.IntegerField()
    name = serializers.CharField()
    tier = serializers.CharField()
    stops = serializers.IntegerField()
    capacity = serializers.IntegerField()
    volume_share = serializers.FloatField()
    capacity_share = serializers.FloatField()
    over_capacity = serializers.IntegerField()


class FairnessSerializer(serializers.Serializer):
    index = serializers.FloatField()
    volume = serializers.IntegerField()
    capacity = serializers.IntegerField()
    uncovered = serializers.IntegerField()
    rows = FairnessRowSerializer(many=True)


class ProposalSerializer(serializers.ModelSerializer):
    moves = serializers.SerializerMethodField()
    before = FairnessSerializer()
    after = FairnessSerializer()

    class Meta:
        model = AllocationProposal
        fields = [
            "id",
            "station",
            "service_date",
            "status",
            "stops_per_route",
            "unplaced",
            "moves",
            "before",
            "after",
            "created_at",
            "applied_at",
        ]

    def get_moves(self, proposal) -> list[dict]:
        """[{stop, from (DSP id or null: uncovered), to, address, lat, lon}]"""
        return [
            {
                "stop": m["stop"],
                "from": m["from"],
                "to": m["to"],
                "address": m["address"],
                "lat": m["lat"],
                "lon": m["lon"],
            }
            for m in proposal.moves
        ]


class ProposeSerializer(serializers.Serializer):
    station = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    date = DayField()


class PeakWeekSerializer(serializers.Serializer):
    starts_on = DayField()
    average = serializers.IntegerField()
    peak = serializers.IntegerField()
    vans = serializers.IntegerField()
    drivers = serializers.IntegerField()
    van_gap = serializers.IntegerField()


class PeakDspSerializer(serializers.Serializer):
    dsp = serializers.IntegerField(source="dsp.pk")
    name = serializers.CharField(source="dsp.name")
    vans = serializers.IntegerField()
    drivers = serializers.IntegerField()
    share = serializers.FloatField()
    extra_vans = serializers.IntegerField()
    extra_drivers = serializers.IntegerField()
    lease_cost = serializers.DecimalField(max_digits=10, decimal_places=2)


class PeakPlanSerializer(serializers.Serializer):
    station = serializers.IntegerField(source="station.pk")
    stops_per_route = serializers.IntegerField()
    history_days = serializers.IntegerField(source="forecast.history_days")
    note = serializers.CharField(source="forecast.note")
    forecast = serializers.SerializerMethodField()
    weeks = PeakWeekSerializer(many=True)
    vans_needed = serializers.IntegerField()
    drivers_needed = serializers.IntegerField()
    vans_leased = serializers.IntegerField()
    drivers_rostered = serializers.IntegerField()
    extra_vans = serializers.IntegerField()
    extra_drivers = serializers.IntegerField()
    starts_on = DayField(allow_null=True)
    ends_on = DayField(allow_null=True)
    total_cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    rows = PeakDspSerializer(many=True)

    def get_forecast(self, plan) -> list[dict]:
        """[{date, stops}] for the next 56 days."""
        return [{"date": d.isoformat(), "stops": v} for d, v in plan.forecast.days]


class PeakOfferSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeakLeaseOffer
        fields = [
            "id",
            "dsp",
            "vehicle_offer",
            "vans",
            "drivers",
            "starts_on",
            "ends_on",
            "monthly_rate",
            "total_cost",
            "created_at",
        ]


class StationInputSerializer(serializers.Serializer):
    station = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
