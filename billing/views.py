"""Billing pages: the market demand assessment of a territory."""

from django.shortcuts import get_object_or_404, render

from dsps.models import Role
from dsps.selectors import territory_visible
from dsps.tenancy import role_required

from .market import market_assessment


@role_required(Role.PROGRAM_STAFF, Role.OWNER)
def market(request, pk: int):
    """Demand in one territory the user may look at: their own, or an open one on offer."""
    territory = get_object_or_404(territory_visible(user=request.user), pk=pk)
    weeks = 4
    if request.GET.get("weeks") in ("2", "4", "8"):
        weeks = int(request.GET["weeks"])
    assessment = market_assessment(territory=territory, weeks=weeks)
    return render(request, "billing/market.html", {"a": assessment, "territory": territory})
