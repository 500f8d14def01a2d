"""Demo data: a warning and an acknowledged-pending corrective-action plan for the active DSP,
with the owner's answer, so the owner's home page and the compliance pages have content."""

from datetime import timedelta

from dsps.models import Membership, Role

from .models import ActionResponse, ComplianceAction

WARNING = "Three speeding events on routes in one week; coach the drivers involved."
PLAN = "Photo-on-delivery below the Great threshold for two weeks: send a corrective plan."


def seed(world: dict) -> None:
    dsp = world["active_dsp"]
    staff = Membership.objects.filter(role=Role.PROGRAM_STAFF).order_by("id").first()
    owner = Membership.objects.filter(dsp=dsp, role=Role.OWNER).order_by("id").first()
    if staff is None or owner is None:
        return
    warning, _ = ComplianceAction.objects.get_or_create(
        dsp=dsp,
        kind=ComplianceAction.Kind.WARNING,
        reason=WARNING,
        defaults={"created_by": staff.user},
    )
    ComplianceAction.objects.get_or_create(
        dsp=dsp,
        kind=ComplianceAction.Kind.CORRECTIVE_PLAN,
        reason=PLAN,
        defaults={
            "created_by": staff.user,
            "due_on": dsp.station.today() + timedelta(days=14),
        },
    )
    ActionResponse.objects.get_or_create(
        action=warning,
        author=owner.user,
        defaults={"message": "All three drivers did the speed-awareness module this week."},
    )
