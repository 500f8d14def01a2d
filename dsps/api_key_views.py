"""The API keys page: owners (for their DSP) and staff create, list and revoke keys."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from nextmile.forms import show_service_errors

from .models import ApiKey, Role
from .selectors import api_key_list
from .services.api_keys import api_key_create, api_key_revoke
from .tenancy import get_for_user_or_404, role_required


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=80)
    scope = forms.ChoiceField(choices=ApiKey.Scope.choices, label="Role")
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires (optional)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


@role_required(Role.PROGRAM_STAFF, Role.OWNER)
def api_key_index(request):
    """List the caller's keys; a POST creates one and shows its secret this once."""
    form = ApiKeyForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _, raw = api_key_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            form = ApiKeyForm()
    return render(
        request,
        "dsps/api_key_list.html",
        {"form": form, "raw_key": raw, "keys": api_key_list(user=request.user)},
    )


@require_POST
@role_required(Role.PROGRAM_STAFF, Role.OWNER)
def api_key_revoke_view(request, pk):
    key = get_for_user_or_404(ApiKey, request.user, pk=pk)
    api_key_revoke(key=key, by=request.user)
    messages.success(request, f"Key “{key.name}” revoked.")
    return redirect("dsps:api-key-list")
