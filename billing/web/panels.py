"""Billing's home panels: a driver's pay questions, and the owner's open ones."""

from billing.models import PayDiscrepancy
from billing.pay.week import discrepancy_list
from dsps.home import register_panel
from dsps.models import Role


@register_panel(name="pay_driver", roles=[Role.DRIVER], template="billing/panel_pay.html", order=40)
def driver_pay_panel(request) -> dict:
    questions = discrepancy_list(user=request.user)
    return {
        "open": questions.filter(status=PayDiscrepancy.Status.OPEN).count(),
        "latest_answer": questions.filter(status=PayDiscrepancy.Status.ANSWERED)
        .order_by("-answered_at")
        .first(),
    }


@register_panel(name="pay_owner", roles=[Role.OWNER], template="billing/panel_pay.html", order=60)
def owner_pay_panel(request) -> dict:
    return {
        "open": discrepancy_list(user=request.user)
        .filter(status=PayDiscrepancy.Status.OPEN)
        .count(),
        "owner": True,
    }
