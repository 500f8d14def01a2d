"""Pages of the tenant root: the role-aware home page and a DSP's profile."""

from django.core.paginator import Paginator
from django.shortcuts import render

from .home import panels_for
from .models import Dsp, Role
from .selectors import dsp_list, member_list
from .tenancy import get_for_user_or_404, membership_of, role_required

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


@role_required(Role.PROGRAM_STAFF, Role.OWNER, Role.DISPATCHER)
def dsp_detail(request, pk: int):
    dsp = get_for_user_or_404(Dsp.objects.select_related("station"), request.user, pk=pk)
    members = member_list(user=request.user, dsp=dsp)
    return render(request, "dsps/dsp_detail.html", {"dsp": dsp, "members": members})
