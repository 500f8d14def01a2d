"""Pages of the tenant root: home, DSP profiles, applications, audit trail, territories."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from nextmile.forms import show_service_errors
from nextmile.uploads import serve_upload

from .forms import (
    ApplicationDecisionForm,
    ApplicationForm,
    ApplicationStartForm,
    TerritoryAssignForm,
    TerritoryForm,
    TerritoryRequestDecisionForm,
    TerritoryRequestForm,
)
from .home import panels_for
from .models import (
    DSP_MANAGER_ROLES,
    Dsp,
    DspApplication,
    Role,
    Territory,
    TerritoryRequest,
    verb_label,
)
from .selectors import (
    application_of_user,
    application_queue,
    audit_event_list,
    dsp_list,
    member_list,
    station_list,
    territory_holdings,
    territory_list,
    territory_list_open,
    territory_list_open_at,
    territory_map,
    territory_request_list,
    territory_visible,
)
from .services import (
    application_approve,
    application_reject,
    application_request_changes,
    application_submit,
    application_update,
    application_verify_documents,
    territory_assign,
    territory_create,
    territory_release,
    territory_request_create,
    territory_request_decide,
    territory_update,
)
from .services import application_start as application_start_service
from .services.applications import DOCUMENT_FIELDS
from .tenancy import (
    dsp_for_write,
    dsp_of,
    get_for_user_or_404,
    has_role,
    is_program_staff,
    membership_of,
    role_required,
)

HOME_TEMPLATES = {
    Role.PROGRAM_STAFF: "dsps/home_staff.html",
    Role.OWNER: "dsps/home_dsp.html",
    Role.DISPATCHER: "dsps/home_dsp.html",
    Role.DRIVER: "dsps/home_driver.html",
}


def home(request):
    """One address, a home page per role; strangers get the welcome page with sign-in."""
    membership = membership_of(request.user)
    if membership is None:
        return render(request, "dsps/welcome.html")
    context = {"panels": panels_for(request, membership.role)}
    return render(request, HOME_TEMPLATES[membership.role], context)


@role_required(Role.PROGRAM_STAFF)
def dsp_index(request):
    status = request.GET.get("status") or None
    page = Paginator(dsp_list(user=request.user, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "dsps/dsp_list.html",
        {"page": page, "status": status, "statuses": Dsp.Status.choices},
    )


def _application_of(dsp: Dsp) -> DspApplication | None:
    """The application behind a DSP already fetched through tenancy (its one-to-one row)."""
    try:
        return dsp.application
    except DspApplication.DoesNotExist:
        return None


@role_required(Role.PROGRAM_STAFF, Role.OWNER, Role.DISPATCHER)
def dsp_detail(request, pk: int):
    dsp = get_for_user_or_404(Dsp.objects.select_related("station"), request.user, pk=pk)
    members = member_list(user=request.user, dsp=dsp)
    application = _application_of(dsp)
    return render(
        request,
        "dsps/dsp_detail.html",
        {"dsp": dsp, "members": members, "application": application},
    )


@require_POST
@role_required(Role.PROGRAM_STAFF)
def dsp_documents_verify(request, pk: int):
    """Staff verify the documents of a DSP approved without checking them (a checklist item)."""
    dsp = get_for_user_or_404(Dsp, request.user, pk=pk)
    application = _application_of(dsp)
    if application is None:
        messages.error(request, f"{dsp.name} has no application whose documents to verify.")
        return redirect("dsps:detail", pk=dsp.pk)
    try:
        application_verify_documents(application=application, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{dsp.name}'s documents are verified.")
    return redirect("dsps:detail", pk=dsp.pk)


# --- Applications ---------------------------------------------------------------------------


@login_required
def application_start(request):
    """A signed-up person with no role yet opens a DSP application (becoming its owner)."""
    if membership_of(request.user) is not None:
        return redirect("dsps:application-mine")
    form = ApplicationStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_start_service(
                user=request.user,
                business_name=form.cleaned_data["business_name"],
                station=form.cleaned_data["station"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Your application is started; fill it in at your pace.")
            return redirect("dsps:application-mine")
    return render(request, "dsps/application_start.html", {"form": form})


# Signed in but no role yet: the one page such a person may use (tenancy has nothing to scope).
application_start.tenancy_public = True


@role_required(Role.OWNER)
def application_mine(request):
    """The owner's own application: sections of one form, saved as a draft or submitted."""
    application = application_of_user(user=request.user)
    if application is None:
        raise Http404("Your DSP has no application.")
    open_territories = territory_list_open_at(station=application.requested_station)
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        instance=application if request.method != "POST" else None,
        initial=None,
        open_territories=open_territories,
    )
    if request.method == "POST" and application.is_editable and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k not in DOCUMENT_FIELDS}
        files = {k: request.FILES.get(k) for k in DOCUMENT_FIELDS}
        try:
            with transaction.atomic():
                application_update(
                    application=application, by=request.user, fields=fields, files=files
                )
                if "submit" in request.POST:
                    application_submit(application=application, by=request.user)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if "submit" in request.POST:
                messages.success(request, "Application submitted. We will e-mail you our decision.")
            else:
                messages.success(request, "Draft saved.")
            return redirect("dsps:application-mine")
    application.refresh_from_db()
    return render(request, "dsps/application_form.html", {"application": application, "form": form})


@role_required(Role.PROGRAM_STAFF)
def application_index(request):
    status = request.GET.get("status") or None
    station = _int(request.GET.get("station"))
    older = _int(request.GET.get("older_than"))
    qs = application_queue(user=request.user, status=status, station=station, older_than_days=older)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "dsps/application_list.html",
        {
            "page": page,
            "status": status,
            "station": station,
            "older_than": older,
            "statuses": DspApplication.Status.choices,
            "stations": station_list(user=request.user),
            "query": _query(request, "page"),
        },
    )


def _application(request, pk: int) -> DspApplication:
    return get_for_user_or_404(
        DspApplication.objects.select_related(
            "dsp", "applicant", "requested_station", "requested_territory", "decided_by"
        ),
        request.user,
        pk=pk,
    )


def _decision_form(application, data=None):
    territories = territory_list_open_at(station=application.requested_station)
    initial = {"territory": application.requested_territory_id, "documents_verified": False}
    return ApplicationDecisionForm(data, territories=territories, initial=initial)


@role_required(Role.PROGRAM_STAFF, Role.OWNER)
def application_detail(request, pk: int):
    application = _application(request, pk)
    context = {"application": application}
    if is_program_staff(request.user):
        context["decision_form"] = _decision_form(application)
        context["events"] = audit_event_list(user=request.user, target=application)[:50]
    return render(request, "dsps/application_detail.html", context)


@require_POST
@role_required(Role.PROGRAM_STAFF)
def application_decide(request, pk: int):
    application = _application(request, pk)
    form = _decision_form(application, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                application_approve(
                    application=application,
                    by=request.user,
                    territory=data["territory"],
                    documents_verified=data["documents_verified"],
                    documents_waiver=data["documents_waiver"],
                    message=data["reason"],
                )
            elif data["decision"] == "reject":
                application_reject(application=application, by=request.user, reason=data["reason"])
            else:
                application_request_changes(
                    application=application, by=request.user, message=data["reason"]
                )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, f"Decision recorded: {form['decision'].value()}.")
            return redirect("dsps:application-detail", pk=application.pk)
    application.refresh_from_db()
    events = audit_event_list(user=request.user, target=application)[:50]
    return render(
        request,
        "dsps/application_detail.html",
        {"application": application, "decision_form": form, "events": events},
        status=400,
    )


@role_required(Role.PROGRAM_STAFF, Role.OWNER)
def application_document(request, pk: int, kind: str):
    """Serve an uploaded document to the applicant and staff only (never a public media URL)."""
    application = _application(request, pk)
    if kind not in DOCUMENT_FIELDS:
        raise Http404("No such document.")
    document = getattr(application, kind)
    if not document:
        raise Http404("Not uploaded yet.")
    return serve_upload(document)


# --- Audit trail --------------------------------------------------------------------------


@role_required(Role.PROGRAM_STAFF)
def audit_index(request):
    verb = request.GET.get("verb") or None
    target_type = request.GET.get("target_type") or None
    dsp = _int(request.GET.get("dsp"))
    qs = audit_event_list(user=request.user, verb=verb, target_type=target_type, dsp=dsp)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dsps/audit_list.html",
        {
            "page": page,
            "verb": verb,
            "target_type": target_type,
            "dsp": dsp,
            "dsps": dsp_list(user=request.user),
            "verbs": [
                (v, verb_label(v)) for v in ("application", "territory", "territory_request")
            ],
            "target_types": [
                ("dsps.dspapplication", "Applications"),
                ("dsps.territory", "Territories"),
                ("dsps.territoryrequest", "Territory requests"),
            ],
            "query": _query(request, "page"),
        },
    )


# --- Territories --------------------------------------------------------------------------


@role_required(Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES)
def territory_index(request):
    """Staff: every territory of a station on a map, coloured by holder, gaps highlighted.
    DSP managers: their own territories, the open ones they may ask for, and their requests."""
    staff = is_program_staff(request.user)
    stations = station_list(user=request.user)
    station_id = _int(request.GET.get("station"))
    if staff:
        station = stations.filter(pk=station_id).first() if station_id else stations.first()
        territories = list(territory_list(user=request.user, station=station and station.pk))
        open_territories = [t for t in territories if t.dsp_id is None]
    else:
        station = dsp_of(request.user).station
        territories = list(territory_list(user=request.user))
        open_territories = list(territory_list_open(user=request.user))
    context = {
        "station": station,
        "stations": stations,
        "territories": territories,
        "open_territories": open_territories,
        "map_data": territory_map(territories),
        "requests": territory_request_list(user=request.user)[:20],
        "request_form": TerritoryRequestForm(territories=territory_visible(user=request.user))
        if has_role(request.user, Role.OWNER)
        else None,
    }
    return render(request, "dsps/territory_list.html", context)


@role_required(Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES)
def territory_detail(request, pk: int):
    territory = get_object_or_404(territory_visible(user=request.user), pk=pk)
    context = {
        "territory": territory,
        "map_data": territory_map([territory]),
        "holdings": territory_holdings(user=request.user, territory=territory),
    }
    if is_program_staff(request.user):
        context["assign_form"] = TerritoryAssignForm(
            territory=territory, initial={"dsp": territory.dsp_id}
        )
    return render(request, "dsps/territory_detail.html", context)


def _territory_form_page(request, form, territory=None):
    station = territory.station if territory else None
    others = territory_list(user=request.user, station=station and station.pk)
    if territory:
        others = others.exclude(pk=territory.pk)
    return render(
        request,
        "dsps/territory_form.html",
        {"form": form, "territory": territory, "map_data": territory_map(list(others))},
    )


@role_required(Role.PROGRAM_STAFF)
def territory_new(request):
    first_station = station_list(user=request.user).first()
    form = TerritoryForm(request.POST or None, initial={"station": first_station})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            territory = territory_create(
                station=data["station"],
                code=data["code"],
                name=data["name"],
                boundary=data["boundary"],
                postal_codes=data["postal_codes"],
                by=request.user,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, f"Territory {territory.code} created (unassigned).")
            return redirect("dsps:territory-detail", pk=territory.pk)
    return _territory_form_page(request, form)


@role_required(Role.PROGRAM_STAFF)
def territory_edit(request, pk: int):
    territory = get_for_user_or_404(
        Territory.objects.select_related("station"), request.user, pk=pk
    )
    initial = {
        "station": territory.station_id,
        "code": territory.code,
        "name": territory.name,
        "postal_codes": ", ".join(territory.postal_codes or []),
        "boundary": territory.boundary,
    }
    form = TerritoryForm(request.POST or None, initial=initial)
    form.fields["station"].disabled = True
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            territory_update(
                territory=territory,
                name=data["name"],
                boundary=data["boundary"],
                postal_codes=data["postal_codes"],
                by=request.user,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, f"Territory {territory.code} saved.")
            return redirect("dsps:territory-detail", pk=territory.pk)
    return _territory_form_page(request, form, territory)


@require_POST
@role_required(Role.PROGRAM_STAFF)
def territory_assign_view(request, pk: int):
    territory = get_for_user_or_404(
        Territory.objects.select_related("station"), request.user, pk=pk
    )
    form = TerritoryAssignForm(request.POST, territory=territory)
    if form.is_valid():
        dsp, reason = form.cleaned_data["dsp"], form.cleaned_data["reason"]
        try:
            with transaction.atomic():
                if territory.dsp_id and (dsp is None or dsp.pk != territory.dsp_id):
                    territory_release(territory=territory, by=request.user, reason=reason)
                if dsp is not None and dsp.pk != territory.dsp_id:
                    territory_assign(territory=territory, dsp=dsp, by=request.user, reason=reason)
        except ValidationError as error:
            show_service_errors(form, error)
            messages.error(
                request,
                " ".join(form.non_field_errors() + form.errors.get("dsp", [])) or "Not saved.",
            )
        else:
            messages.success(request, f"Territory {territory.code} updated.")
    else:
        messages.error(request, "Choose a DSP of the territory's station.")
    return redirect("dsps:territory-detail", pk=territory.pk)


@role_required(Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES)
def territory_request_index(request):
    """Staff: the queue of requests; owners: file a request (POST) and see their own."""
    form = None
    if has_role(request.user, Role.OWNER):
        form = TerritoryRequestForm(
            request.POST or None, territories=territory_visible(user=request.user)
        )
        if request.method == "POST" and form.is_valid():
            try:
                territory_request_create(
                    dsp=dsp_for_write(request.user),
                    by=request.user,
                    territory=form.cleaned_data["territory"],
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, "Request sent to the program team.")
                return redirect("dsps:territory-request-list")
    elif request.method == "POST":
        raise PermissionDenied("Only a DSP owner can request territories.")
    status = request.GET.get("status") or None
    page = Paginator(territory_request_list(user=request.user, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "dsps/territory_request_list.html",
        {
            "page": page,
            "form": form,
            "status": status,
            "statuses": TerritoryRequest.Status.choices,
            "decision_form": TerritoryRequestDecisionForm(),
        },
    )


@require_POST
@role_required(Role.PROGRAM_STAFF)
def territory_request_decide_view(request, pk: int):
    territory_request = get_for_user_or_404(TerritoryRequest, request.user, pk=pk)
    form = TerritoryRequestDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject.")
        return redirect("dsps:territory-request-list")
    try:
        territory_request_decide(
            territory_request=territory_request,
            by=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Request {form.cleaned_data['decision']}d.")
    return redirect("dsps:territory-request-list")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _query(request, *drop: str) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()
