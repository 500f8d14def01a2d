from rest_framework import serializers

from billing.models import Dispute, PeakPeriod, RateCard, Scorecard, Statement, StatementLine, Tier
from nextmile.dates import DayField


class RateCardSerializer(serializers.ModelSerializer):
    class Meta:
        model = RateCard
        fields = [
            "id",
            "station",
            "effective_from",
            "route_fee",
            "long_route_fee",
            "long_route_hours",
            "package_rate",
            "van_weekly_fee",
            "incentive_per_package",
            "growth_route_pay",
            "onboarding_pay",
            "service_failure_chargeback",
            "uncovered_route_chargeback",
            "late_cancellation_chargeback",
            "collects_fleet_costs",
        ]
        # The uniqueness of (station, effective_from) is checked by the service.
        validators = []


class PeakPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeakPeriod
        fields = ["id", "station", "name", "starts_on", "ends_on", "per_route", "per_package"]
        extra_kwargs = {"name": {"required": False}}


class ThresholdSetInputSerializer(serializers.Serializer):
    station = serializers.IntegerField()
    week_start = DayField()
    thresholds = serializers.JSONField()
    weights = serializers.JSONField()
    escalation_cap = serializers.ChoiceField(choices=Tier.choices, default=Tier.GREAT)


class ScorecardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Scorecard
        fields = ["id", "dsp", "week_start", "tier", "capped", "routes", "delivered", "metrics"]


class StatementLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatementLine
        fields = [
            "id",
            "kind",
            "is_deduction",
            "description",
            "quantity",
            "rate",
            "amount",
            "evidence",
            "generated",
            "dispute",
        ]


class StatementSerializer(serializers.ModelSerializer):
    lines = StatementLineSerializer(many=True, read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "dsp",
            "week_start",
            "status",
            "tier",
            "gross",
            "deductions",
            "net",
            "approved_at",
            "paid_at",
            "lines",
        ]


class StatementLineInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(StatementLine.MANUAL_KINDS))
    description = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    rate = serializers.DecimalField(max_digits=10, decimal_places=4)


class EmptySerializer(serializers.Serializer):
    pass


class DisputeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dispute
        fields = [
            "id",
            "line",
            "message",
            "amount",
            "status",
            "resolution",
            "resolved_at",
            "created_at",
        ]
        read_only_fields = ["status", "resolution", "resolved_at", "created_at"]


class DisputeResolveSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    resolution = serializers.CharField(allow_blank=True, default="")


class FinanceWeekSerializer(serializers.Serializer):
    week_start = DayField()
    revenue = serializers.DecimalField(max_digits=12, decimal_places=2)
    expenses = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2)
    )
    total_expenses = serializers.DecimalField(max_digits=12, decimal_places=2)
    profit = serializers.DecimalField(max_digits=12, decimal_places=2)


class ProjectionSerializer(serializers.Serializer):
    week_start = DayField()
    days = serializers.IntegerField(help_text="days counted (the current week from today on)")
    planned_days = serializers.IntegerField(help_text="days priced from routes already planned")
    routes = serializers.DecimalField(max_digits=10, decimal_places=2)
    packages = serializers.DecimalField(max_digits=12, decimal_places=2)
    revenue = serializers.DictField(child=serializers.DecimalField(max_digits=12, decimal_places=2))
    deducted = serializers.DictField(
        child=serializers.DecimalField(max_digits=12, decimal_places=2),
        help_text="van leases and insurance the program deducts from the statement",
    )
    income = serializers.DecimalField(max_digits=12, decimal_places=2)
    costs = serializers.DictField(child=serializers.DecimalField(max_digits=12, decimal_places=2))
    total_costs = serializers.DecimalField(max_digits=12, decimal_places=2)
    net = serializers.DecimalField(max_digits=12, decimal_places=2)
    cash = serializers.DecimalField(max_digits=14, decimal_places=2)
    drop_difference = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="incentive lost if the tier drops one level"
    )
    cash_if_drop = serializers.DecimalField(max_digits=14, decimal_places=2)


class OutlookSerializer(serializers.Serializer):
    tier = serializers.CharField(allow_null=True)
    drop_tier = serializers.CharField(allow_null=True)
    drop_per_week = serializers.DecimalField(max_digits=12, decimal_places=2)
    drop_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    reserve_warning = DayField(allow_null=True)
    drop_reserve_warning = DayField(allow_null=True)


class FinancesSerializer(serializers.Serializer):
    history = FinanceWeekSerializer(many=True)
    projection = ProjectionSerializer(many=True)
    outlook = OutlookSerializer()
    reserve_warning = DayField(allow_null=True)
