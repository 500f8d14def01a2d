"""Driver pages."""

from django.core.paginator import Paginator
from django.shortcuts import render

from dsps.models import DSP_MANAGER_ROLES, Role
from dsps.tenancy import get_for_user_or_404, role_required

from .models import Driver
from .selectors import driver_list


@role_required(Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES)
def driver_index(request):
    status = request.GET.get("status") or None
    page = Paginator(driver_list(user=request.user, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "drivers/driver_list.html",
        {"page": page, "status": status, "statuses": Driver.Status.choices},
    )


@role_required()
def driver_detail(request, pk: int):
    driver = get_for_user_or_404(Driver.objects.select_related("dsp"), request.user, pk=pk)
    return render(request, "drivers/driver_detail.html", {"driver": driver})
