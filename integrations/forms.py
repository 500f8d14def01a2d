"""Forms of the webhook pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms

from routes.signals import EVENT_TYPES

EVENT_CHOICES = [(key, f"{key} — {label}") for key, label in EVENT_TYPES.items()]


class SubscriptionForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="http:// or https://; it receives a signed JSON POST per event.",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/nextmile/hooks"}),
    )
    description = forms.CharField(max_length=120, required=False)
    events = forms.MultipleChoiceField(
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one event."},
    )

    def __init__(self, *args, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stations is not None:
            self.fields["station"] = forms.ModelChoiceField(
                queryset=stations,
                required=False,
                empty_label="All stations",
                help_text="Program webhooks receive every DSP's events, or one station's.",
            )


class SubscriptionEditForm(SubscriptionForm):
    is_active = forms.BooleanField(required=False, label="Active")

    def __init__(self, *args, **kwargs):
        kwargs.pop("stations", None)
        super().__init__(*args, **kwargs)
