"""Forms of the planning pages: parse input only; services decide."""

from django import forms

from dsps.models import Dsp, Station
from routes.planning.jobs import MAX_TIME_LIMIT_S


class DateInput(forms.DateInput):
    input_type = "date"


class ManifestImportForm(forms.Form):
    station = forms.ModelChoiceField(queryset=Station.objects.all(), required=False)
    service_date = forms.DateField(widget=DateInput)
    file = forms.FileField(label="Manifest CSV")

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["station"]


class PlanForm(forms.Form):
    station = forms.ModelChoiceField(queryset=Station.objects.all(), required=False)
    service_date = forms.DateField(widget=DateInput)
    time_limit_s = forms.IntegerField(
        label="Time limit (seconds)",
        min_value=1,
        max_value=MAX_TIME_LIMIT_S,
        initial=30,
        help_text="Per DSP. A whole station's DSPs share it out by their stops: bigger days "
        "search longer, and the plan ends when equal shares would have.",
    )

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["station"]


class MoveStopForm(forms.Form):
    route_stop = forms.IntegerField(widget=forms.HiddenInput)
    to_route = forms.ModelChoiceField(queryset=None, empty_label=None, label="To route")
    position = forms.IntegerField(min_value=1)

    def __init__(self, *args, routes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_route"].queryset = routes


class AllocateForm(forms.Form):
    stop = forms.IntegerField(widget=forms.HiddenInput)
    dsp = forms.ModelChoiceField(queryset=Dsp.objects.filter(status=Dsp.Status.ACTIVE))
