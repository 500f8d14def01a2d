"""Program staff's forms for rate cards, peak periods and scorecard thresholds."""

from __future__ import annotations

from django import forms

from billing.models import TIER_ORDER, PeakPeriod, RateCard, Tier
from billing.scorecards.metrics import METRICS

DATE = forms.DateInput(attrs={"type": "date"})
BOUNDS = ("Fantastic Plus", "Fantastic", "Great", "Fair")


class RateCardForm(forms.ModelForm):
    """A new rate card version; the incentive is one amount per tier."""

    class Meta:
        model = RateCard
        fields = [
            "station",
            "effective_from",
            "route_fee",
            "long_route_fee",
            "long_route_hours",
            "package_rate",
            "van_weekly_fee",
            "growth_route_pay",
            "onboarding_pay",
            "service_failure_chargeback",
            "uncovered_route_chargeback",
            "late_cancellation_chargeback",
            "collects_fleet_costs",
        ]
        widgets = {"effective_from": DATE}
        labels = {
            "route_fee": "Per route",
            "long_route_fee": "Per long route",
            "long_route_hours": "A long route is over (hours)",
            "package_rate": "Per delivered package",
            "van_weekly_fee": "Per leased van a week",
            "growth_route_pay": "Growth pay per added route",
            "onboarding_pay": "Per newly onboarded driver",
            "service_failure_chargeback": "Chargeback per package not received",
            "uncovered_route_chargeback": "Chargeback per uncovered route",
            "late_cancellation_chargeback": "Chargeback per late cancellation",
            "collects_fleet_costs": "The program deducts van leases and insurance",
        }

    def __init__(self, *args, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stations is not None:
            self.fields["station"].queryset = stations
        for tier in TIER_ORDER:
            self.fields[f"incentive_{tier}"] = forms.DecimalField(
                label=f"Incentive per package at {Tier(tier).label}",
                required=False,
                min_value=0,
                max_digits=10,
                decimal_places=4,
            )
        for name in ("route_fee", "package_rate", "van_weekly_fee"):
            self.fields[name].required = True

    def validate_unique(self):
        """The service names a clash on the date more clearly."""

    def incentive(self) -> dict:
        return {
            tier: str(self.cleaned_data[f"incentive_{tier}"])
            for tier in TIER_ORDER
            if self.cleaned_data.get(f"incentive_{tier}") not in (None, "")
        }

    def values(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("incentive_")}
        data["incentive_per_package"] = self.incentive()
        return data

    @staticmethod
    def initial_from(card: RateCard | None) -> dict:
        if card is None:
            return {}
        initial = {name: getattr(card, name) for name in RateCardForm.Meta.fields}
        initial["station"] = card.station_id
        for tier, value in (card.incentive_per_package or {}).items():
            initial[f"incentive_{tier}"] = value
        return initial


class PeakPeriodForm(forms.ModelForm):
    class Meta:
        model = PeakPeriod
        fields = ["station", "name", "starts_on", "ends_on", "per_route", "per_package"]
        widgets = {"starts_on": DATE, "ends_on": DATE}
        labels = {"per_route": "Per route run", "per_package": "Per package delivered"}

    def __init__(self, *args, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stations is not None:
            self.fields["station"].queryset = stations

    def _post_clean(self):
        """Dates and amounts are checked by the service, with messages naming the field."""


class ThresholdSetForm(forms.Form):
    """Four boundaries and a weight per metric, from a week on."""

    station = forms.ModelChoiceField(queryset=None)
    week_start = forms.DateField(widget=DATE, label="From the week starting")
    escalation_cap = forms.ChoiceField(
        choices=Tier.choices, label="Best tier after a customer escalation"
    )

    def __init__(self, *args, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        for spec in METRICS:
            for i, tier in enumerate(BOUNDS):
                self.fields[f"{spec.key}_{i}"] = forms.FloatField(label=f"{spec.label}: {tier}")
            self.fields[f"{spec.key}_weight"] = forms.FloatField(
                label=f"{spec.label}: weight", min_value=0
            )

    def rows(self) -> list[dict]:
        """The metric fields laid out as a table: one row per metric."""
        return [
            {
                "spec": spec,
                "bounds": [self[f"{spec.key}_{i}"] for i in range(4)],
                "weight": self[f"{spec.key}_weight"],
            }
            for spec in METRICS
        ]

    def thresholds(self) -> dict:
        return {
            spec.key: [self.cleaned_data[f"{spec.key}_{i}"] for i in range(4)] for spec in METRICS
        }

    def weights(self) -> dict:
        return {spec.key: self.cleaned_data[f"{spec.key}_weight"] for spec in METRICS}

    @staticmethod
    def initial_from(row) -> dict:
        initial = {
            "station": row.station_id,
            "week_start": row.week_start,
            "escalation_cap": row.escalation_cap,
        }
        for spec in METRICS:
            for i, value in enumerate(row.thresholds.get(spec.key, [])[:4]):
                initial[f"{spec.key}_{i}"] = value
            initial[f"{spec.key}_weight"] = row.weights.get(spec.key, 0)
        return initial
