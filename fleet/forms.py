"""Forms of the fleet pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms

from nextmile.money import format_money

from .models import (
    CheckItem,
    Inspection,
    InspectionItem,
    InsuranceOption,
    MaintenanceSchedule,
    Repair,
    Vehicle,
    VehicleOffer,
)
from .services import ItemInput

DATE = forms.DateInput(attrs={"type": "date"})


class OfferForm(forms.ModelForm):
    class Meta:
        model = VehicleOffer
        fields = [
            "name",
            "kind",
            "package_capacity",
            "cargo_volume_m3",
            "energy_kind",
            "energy_per_km",
            "monthly_rate",
            "discount_percent",
            "minimum_term_months",
            "branding_included",
            "available_from",
            "is_active",
        ]
        widgets = {"available_from": DATE}


class InsuranceOptionForm(forms.ModelForm):
    class Meta:
        model = InsuranceOption
        fields = ["name", "monthly_premium", "deductible"]


class OptionOfOfferSelect(forms.Select):
    """A select whose options name the catalogue van they come with (`data-offer`), so the
    lease page lists only the chosen van's covers (static/js/lease-form.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-offer"] = str(instance.offer_id)
        return option


class LeaseForm(forms.Form):
    offer = forms.ModelChoiceField(
        queryset=VehicleOffer.objects.none(), label="Van from the catalogue"
    )
    vin = forms.CharField(label="VIN", max_length=17, min_length=17)
    plate = forms.CharField(label="Number plate", max_length=16)
    starts_on = forms.DateField(label="Starts on", widget=DATE)
    ends_on = forms.DateField(
        label="Ends on", required=False, widget=DATE, help_text="Empty: open-ended."
    )
    is_peak = forms.BooleanField(
        label="Peak lease (a few weeks, may be returned early)", required=False
    )
    insurance_option = forms.ModelChoiceField(
        queryset=InsuranceOption.objects.none(),
        required=False,
        label="Insurance with the van",
        empty_label="None: my fleet policy covers it",
        widget=OptionOfOfferSelect,
        help_text="The covers offered with the van chosen above.",
    )

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers
        options = InsuranceOption.objects.filter(offer__in=offers).select_related("offer")
        chosen = self._chosen_offer()
        if chosen and not self.is_bound:
            # Opened for one van (the catalogue's "Lease this van"): only its covers, even
            # without the script.
            options = options.filter(offer_id=chosen)
        self.fields["insurance_option"].queryset = options
        self.fields["insurance_option"].label_from_instance = lambda o: (
            f"{o.offer.name}: {o.name} ({format_money(o.monthly_premium)}/month)"
        )
        self.fields["offer"].label_from_instance = lambda o: (
            f"{o.name} · {o.package_capacity} packages · "
            f"{format_money(o.rate_after_discount)}/month"
        )

    def _chosen_offer(self) -> str:
        value = self.data.get("offer") if self.is_bound else self.initial.get("offer")
        return str(value) if value and str(value).isdigit() else ""

    def clean(self):
        cleaned = super().clean()
        offer, option = cleaned.get("offer"), cleaned.get("insurance_option")
        if offer is not None and option is not None and option.offer_id != offer.pk:
            self.add_error("insurance_option", f"Choose a cover offered with the {offer.name}.")
        return cleaned


class InsurancePolicyForm(forms.Form):
    vehicle = forms.ModelChoiceField(
        queryset=Vehicle.objects.none(), required=False, empty_label="Every van (fleet policy)"
    )
    insurer = forms.CharField(max_length=120)
    policy_number = forms.CharField(max_length=60)
    monthly_premium = forms.DecimalField(max_digits=8, decimal_places=2, min_value=0)
    starts_on = forms.DateField(widget=DATE)
    expires_on = forms.DateField(widget=DATE)

    def __init__(self, *args, vehicles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = vehicles


class ScheduleForm(forms.Form):
    task = forms.CharField(max_length=120, initial="Oil and filter change")
    every_km = forms.IntegerField(min_value=1, required=False, label="Every (km)")
    every_months = forms.IntegerField(min_value=1, required=False, label="Every (months)")
    last_done_on = forms.DateField(widget=DATE, label="Last done on")
    last_done_km = forms.IntegerField(
        min_value=0, required=False, label="Last done at (km)", help_text="Empty: the odometer now."
    )


class RepairForm(forms.Form):
    kind = forms.ChoiceField(choices=Repair.Kind.choices, initial=Repair.Kind.REPAIR)
    schedule = forms.ModelChoiceField(
        queryset=MaintenanceSchedule.objects.none(), required=False, label="Scheduled service"
    )
    performed_on = forms.DateField(widget=DATE)
    vendor = forms.CharField(max_length=120)
    description = forms.CharField(max_length=500)
    cost = forms.DecimalField(max_digits=9, decimal_places=2, min_value=0)
    odometer_km = forms.IntegerField(min_value=0, required=False, label="Odometer (km)")

    def __init__(self, *args, schedules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schedule"].queryset = schedules


class GroundForm(forms.Form):
    reason = forms.CharField(max_length=255, required=False)


class InspectionForm(forms.Form):
    """The DVIC checklist as flat fields: `<item>`, `<item>_note`, `<item>_photo` per item."""

    kind = forms.ChoiceField(choices=Inspection.Kind.choices, initial=Inspection.Kind.PRE_TRIP)
    odometer_km = forms.IntegerField(min_value=0, label="Odometer (km)")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in CheckItem.choices:
            self.fields[value] = forms.ChoiceField(
                label=label,
                choices=InspectionItem.State.choices,
                widget=forms.RadioSelect,
                initial=InspectionItem.State.OK,
            )
            self.fields[f"{value}_note"] = forms.CharField(
                label="What is wrong", max_length=500, required=False
            )
            self.fields[f"{value}_photo"] = forms.FileField(
                label="Photo of the defect", required=False
            )

    def checklist(self):
        """Rows for the template: (item label, state field, note field, photo field)."""
        return [
            (label, self[value], self[f"{value}_note"], self[f"{value}_photo"])
            for value, label in CheckItem.choices
        ]

    def items(self) -> dict[str, ItemInput]:
        data = self.cleaned_data
        return {
            value: ItemInput(
                state=data[value],
                note=data.get(f"{value}_note", ""),
                photo=data.get(f"{value}_photo"),
            )
            for value in CheckItem.values
        }
