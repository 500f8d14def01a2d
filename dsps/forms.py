"""Forms of the tenant root: they parse input; the services decide and name the field."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError

from .models import Dsp, DspApplication, Station, Territory, TerritoryRequest

ACCEPT_DOCUMENTS = "application/pdf,image/png,image/jpeg"


class ApplicationStartForm(forms.Form):
    business_name = forms.CharField(
        max_length=120, label="Business name", help_text="The name your DSP will trade under."
    )
    station = forms.ModelChoiceField(
        queryset=Station.objects.order_by("code"), label="Station you want to deliver for"
    )


class ApplicationForm(forms.ModelForm):
    """The applicant's sections; partial drafts are fine, `application_submit` checks the rest."""

    insurance_certificate = forms.FileField(
        required=False,
        label="Insurance certificate (PDF, PNG or JPEG)",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_DOCUMENTS}),
    )
    business_registration = forms.FileField(
        required=False,
        label="Business registration (PDF, PNG or JPEG)",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_DOCUMENTS}),
    )

    class Meta:
        model = DspApplication
        fields = [
            "legal_name",
            "entity_type",
            "contact_name",
            "contact_email",
            "contact_phone",
            "business_address",
            "experience_years",
            "experience",
            "requested_station",
            "requested_territory",
            "planned_vans",
            "planned_headcount",
        ]
        widgets = {"experience": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "experience": "Routes, fleets or teams you have run: volumes, customers, years.",
        }
        labels = {
            "legal_name": "Legal name of the business",
            "experience_years": "Years of delivery or logistics experience",
            "experience": "Delivery or logistics experience",
            "requested_territory": "Territory you would like (optional)",
            "planned_vans": "Planned fleet size (vans)",
            "planned_headcount": "Planned headcount (drivers and staff)",
        }

    SECTIONS = [
        ("Business", ["legal_name", "entity_type"]),
        (
            "Contact and address",
            ["contact_name", "contact_email", "contact_phone", "business_address"],
        ),
        ("Experience", ["experience_years", "experience"]),
        (
            "Station, territory and plans",
            ["requested_station", "requested_territory", "planned_vans", "planned_headcount"],
        ),
        ("Documents", ["insurance_certificate", "business_registration"]),
    ]

    def __init__(self, *args, open_territories=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = False
        self.fields["requested_station"].required = True
        self.fields["requested_station"].queryset = Station.objects.order_by("code")
        self.fields["requested_territory"].queryset = (
            open_territories if open_territories is not None else Territory.objects.none()
        )

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def _post_clean(self):
        # The service validates the model; the form only parses.
        pass


class ApplicationDecisionForm(forms.Form):
    DECISIONS = [
        ("approve", "Approve"),
        ("request_changes", "Request changes"),
        ("reject", "Reject"),
    ]
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Message to the applicant",
        help_text="Required to request changes or reject.",
    )
    territory = forms.ModelChoiceField(
        queryset=Territory.objects.none(), required=False, label="Assign territory (optional)"
    )
    documents_verified = forms.BooleanField(
        required=False, label="I checked the insurance certificate and business registration"
    )
    documents_waiver = forms.CharField(
        required=False,
        max_length=500,
        label="Or approve without checking them, because…",
        help_text="Recorded with your name in the audit log; verify the documents later from "
        "the DSP's page.",
    )

    def __init__(self, *args, territories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if territories is not None:
            self.fields["territory"].queryset = territories


class BoundaryField(forms.CharField):
    """GeoJSON text (written by the map editor) parsed to a dict; the service validates it."""

    widget = forms.HiddenInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValidationError("The drawn outline could not be read; draw it again.") from None

    def prepare_value(self, value):
        return json.dumps(value) if isinstance(value, dict) else value


class TerritoryForm(forms.Form):
    station = forms.ModelChoiceField(queryset=Station.objects.order_by("code"))
    code = forms.CharField(max_length=24)
    name = forms.CharField(max_length=120)
    postal_codes = forms.CharField(
        required=False, help_text="Comma-separated, optional.", label="Postal codes"
    )
    boundary = BoundaryField(required=False)


class TerritoryAssignForm(forms.Form):
    dsp = forms.ModelChoiceField(
        queryset=Dsp.objects.none(),
        required=False,
        label="Holder",
        help_text="Leave empty to release the territory.",
    )
    reason = forms.CharField(required=False, max_length=255)

    def __init__(self, *args, territory: Territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dsp"].queryset = Dsp.objects.filter(
            station_id=territory.station_id, status=Dsp.Status.ACTIVE
        ).order_by("name")


class TerritoryRequestForm(forms.Form):
    territory = forms.ModelChoiceField(queryset=Territory.objects.none())
    kind = forms.ChoiceField(choices=TerritoryRequest.Kind.choices, label="Request")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, territories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if territories is not None:
            self.fields["territory"].queryset = territories


class TerritoryRequestDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    reason = forms.CharField(required=False, max_length=500)
