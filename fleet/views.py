"""Fleet pages."""

from django.core.paginator import Paginator
from django.shortcuts import render

from dsps.models import DSP_MANAGER_ROLES, Role
from dsps.tenancy import get_for_user_or_404, role_required

from .models import Vehicle
from .selectors import vehicle_list


@role_required(Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES)
def vehicle_index(request):
    status = request.GET.get("status") or None
    page = Paginator(vehicle_list(user=request.user, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "fleet/vehicle_list.html",
        {"page": page, "status": status, "statuses": Vehicle.Status.choices},
    )


@role_required(Role.PROGRAM_STAFF, *DSP_MANAGER_ROLES)
def vehicle_detail(request, pk: int):
    vehicle = get_for_user_or_404(Vehicle.objects.select_related("dsp"), request.user, pk=pk)
    return render(request, "fleet/vehicle_detail.html", {"vehicle": vehicle})
