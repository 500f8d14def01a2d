"""Driver pages: roster, hiring board, training, availability, safety and compliance."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from dsps.models import DSP_MANAGER_ROLES, STAFF_AND_MANAGERS, Role
from dsps.tenancy import (
    HIRE,
    dsp_for_write,
    dsp_of,
    get_for_user_or_404,
    is_program_staff,
    role_of,
    role_required,
)
from nextmile.forms import show_service_errors
from nextmile.uploads import serve_upload

from . import selectors, services
from .forms import (
    ApplicantForm,
    AvailabilityForm,
    DocumentForm,
    DriverForm,
    IncidentForm,
    ModuleForm,
    QuizForm,
    TimeOffForm,
)
from .models import (
    Applicant,
    Audience,
    Driver,
    DriverDocument,
    TrainingModule,
)
from .rendering import render_markdown

EVERYONE = (Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES, Role.DRIVER)


def _error_text(error: ValidationError) -> str:
    return " ".join(
        m for ms in getattr(error, "message_dict", {"": error.messages}).values() for m in ms
    )


# --- Roster ----------------------------------------------------------------------------------


@role_required(*STAFF_AND_MANAGERS)
def driver_index(request):
    status = request.GET.get("status") or None
    drivers = selectors.driver_list(user=request.user, status=status)
    page = Paginator(drivers, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "drivers/driver_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Driver.Status.choices,
            "today": selectors.today_for(request.user),
        },
    )


@role_required(Role.DRIVER)
def driver_me(request):
    driver = selectors.driver_for_user(user=request.user)
    if driver is None:
        raise Http404("No driver record for this sign-in.")
    return redirect("drivers:detail", pk=driver.pk)


@role_required(*EVERYONE)
def driver_detail(request, pk: int):
    driver = get_for_user_or_404(Driver.objects.select_related("dsp__station"), request.user, pk=pk)
    today = driver.dsp.station.today()
    can_manage = role_of(request.user) in STAFF_AND_MANAGERS
    context = {
        "driver": driver,
        "today": today,
        "tenure_days": driver.tenure_days(today),
        "compliance": selectors.compliance_for(driver=driver, on=today),
        "documents": driver.documents.all(),
        "availability": selectors.driver_week(driver=driver),
        "time_off": selectors.driver_time_off_ahead(driver=driver, on=today),
        "can_manage": can_manage,
        "document_form": DocumentForm(),
        "time_off_form": TimeOffForm(),
        "incident_form": IncidentForm() if can_manage else None,
    }
    return render(request, "drivers/driver_detail.html", context)


@role_required(*STAFF_AND_MANAGERS)
def driver_edit(request, pk: int):
    driver = get_for_user_or_404(Driver.objects.select_related("dsp__station"), request.user, pk=pk)
    form = DriverForm(request.POST or None, instance=Driver.objects.get(pk=driver.pk))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.driver_update(driver=driver, **changes)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, f"{driver.full_name}'s record is saved.")
            return redirect("drivers:detail", pk=driver.pk)
    return render(request, "drivers/driver_edit.html", {"driver": driver, "form": form})


@require_POST
@role_required(*EVERYONE)
def driver_document_upload(request, pk: int):
    driver = get_for_user_or_404(Driver, request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose the kind of document and a file.")
        return redirect("drivers:detail", pk=driver.pk)
    try:
        services.driver_document_add(
            driver=driver, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "Document added.")
    return redirect("drivers:detail", pk=driver.pk)


@role_required(*EVERYONE)
def driver_document_file(request, pk: int):
    document = get_for_user_or_404(
        DriverDocument.objects.select_related("driver"), request.user, pk=pk
    )
    return serve_upload(document.file, filename=document.original_name or None)


@role_required(*EVERYONE)
def driver_availability(request, pk: int):
    driver = get_for_user_or_404(Driver, request.user, pk=pk)
    rows = list(selectors.driver_week(driver=driver))
    form = AvailabilityForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_set_week(driver=driver, days=form.days())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, "Weekly availability saved.")
            return redirect("drivers:detail", pk=driver.pk)
    return render(request, "drivers/availability.html", {"driver": driver, "form": form})


@require_POST
@role_required(*EVERYONE)
def driver_time_off_add(request, pk: int):
    driver = get_for_user_or_404(Driver, request.user, pk=pk)
    form = TimeOffForm(request.POST)
    if form.is_valid():
        try:
            services.time_off_add(driver=driver, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, "Time off recorded.")
    else:
        messages.error(request, "Give the first and last day of the time off.")
    return redirect("drivers:detail", pk=driver.pk)


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def driver_invite(request, pk: int):
    driver = get_for_user_or_404(Driver.objects.select_related("user", "dsp"), request.user, pk=pk)
    try:
        services.driver_invite_send(driver=driver, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"A new invitation went to {driver.user.email}.")
    return redirect("drivers:detail", pk=driver.pk)


@require_POST
@role_required(*STAFF_AND_MANAGERS)
def driver_incident_add(request, pk: int):
    driver = get_for_user_or_404(Driver, request.user, pk=pk)
    form = IncidentForm(request.POST)
    if form.is_valid():
        try:
            services.safety_incident_record(driver=driver, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, "Incident recorded.")
    else:
        messages.error(request, "Give the kind, severity and time of the incident.")
    return redirect("drivers:detail", pk=driver.pk)


# --- Compliance and figures ------------------------------------------------------------------


@role_required(*STAFF_AND_MANAGERS)
def compliance(request):
    today = selectors.today_for(request.user)
    return render(
        request,
        "drivers/compliance.html",
        {
            "today": today,
            "rows": selectors.compliance_rows(user=request.user, on=today),
            "retention": selectors.retention_by_dsp(user=request.user, on=today),
        },
    )


@role_required(*STAFF_AND_MANAGERS)
def jobs(request):
    today = selectors.today_for(request.user)
    return render(
        request,
        "drivers/jobs.html",
        {"today": today, "jobs": selectors.jobs_created(user=request.user, on=today)},
    )


# --- Hiring ----------------------------------------------------------------------------------


@role_required(*STAFF_AND_MANAGERS, power=HIRE)
def hiring_board(request):
    form = ApplicantForm(request.POST or None)
    if request.method == "POST":
        dsp = dsp_for_write(request.user)
        if form.is_valid():
            try:
                applicant = services.applicant_create(dsp=dsp, **form.cleaned_data)
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, f"{applicant.full_name} added to Applied.")
                return redirect("drivers:hiring")
    return render(
        request,
        "drivers/hiring_board.html",
        {
            "columns": selectors.applicant_board(user=request.user),
            "form": form,
            "can_write": not is_program_staff(request.user),
        },
    )


@require_POST
@role_required(*STAFF_AND_MANAGERS, power=HIRE)
def applicant_move(request, pk: int):
    applicant = get_for_user_or_404(Applicant, request.user, pk=pk)
    try:
        moved = services.applicant_move(
            applicant=applicant,
            stage=request.POST.get("stage", ""),
            base_url=request.build_absolute_uri("/"),
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, f"{applicant.full_name}: {_error_text(error)}")
    else:
        if moved.stage == Applicant.Stage.HIRED:
            messages.success(
                request, f"{moved.full_name} is hired; an invitation went to {moved.email}."
            )
        else:
            messages.success(request, f"{moved.full_name} moved to {moved.get_stage_display()}.")
    return redirect("drivers:hiring")


# --- Training --------------------------------------------------------------------------------


def _audience_for(user) -> str | None:
    return {Role.DRIVER: Audience.DRIVER, Role.OWNER: Audience.OWNER}.get(role_of(user))


def _status_rows(user, audience):
    driver = selectors.driver_for_user(user=user) if audience == Audience.DRIVER else None
    dsp = dsp_of(user)
    return selectors.training_status(
        audience=audience, on=dsp.station.today(), tz=dsp.station.tz, driver=driver, user=user
    )


@role_required(*EVERYONE)
def training_index(request):
    audience = _audience_for(request.user)
    context = {"audience": audience, "is_staff": is_program_staff(request.user)}
    if audience:
        context["rows"] = _status_rows(request.user, audience)
    else:
        context["modules"] = selectors.training_module_list(user=request.user)
    return render(request, "drivers/training_index.html", context)


@role_required(*EVERYONE)
def training_module(request, pk: int):
    module = get_for_user_or_404(
        TrainingModule.objects.prefetch_related("questions__choices"), request.user, pk=pk
    )
    audience = _audience_for(request.user)
    enrolled = audience == module.audience and module.is_active
    form = QuizForm(request.POST or None, module=module)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.training_attempt_record(
                user=request.user, module=module, answers=form.answers()
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            form = QuizForm(module=module)
    return render(
        request,
        "drivers/training_module.html",
        {
            "module": module,
            "content": render_markdown(module.content),
            "form": form,
            "result": result,
            "enrolled": enrolled,
        },
    )


@role_required(Role.PROGRAM_STAFF)
def training_author(request):
    slug = request.GET.get("slug") or ""
    module = TrainingModule.objects.filter(slug=slug).first() if slug else None
    if request.method == "POST":
        form = ModuleForm(request.POST)
        if form.is_valid():
            try:
                saved = services.training_module_save(**form.cleaned_data)
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, f"“{saved.title}” is saved.")
                return redirect(f"{reverse('drivers:training-author')}?slug={saved.slug}")
    elif module:
        form = ModuleForm.for_module(module, services.format_quiz(module))
    else:
        form = ModuleForm()
    return render(
        request,
        "drivers/training_author.html",
        {
            "form": form,
            "module": module,
            "modules": selectors.training_module_list(user=request.user),
        },
    )
