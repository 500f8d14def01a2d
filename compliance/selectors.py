"""Reads of compliance actions, responses and offboarding, already scoped to the caller."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, QuerySet

from billing.models import Scorecard, Statement
from billing.selectors import final_statement_figures
from drivers.models import Driver, SafetyIncident
from dsps.models import Dsp, Membership, Role, Territory
from dsps.tenancy import scope_to_user
from fleet.models import Inspection, Lease
from nextmile.calendar import week_start_of
from nextmile.money import format_money
from routes.models import Route

from .models import ActionResponse, ComplianceAction, Offboarding

EVIDENCE_DAYS = 120
EVIDENCE_LIMIT = 40


@dataclass(frozen=True)
class TerminationPreview:
    """What terminating a DSP on `effective_on` will do, and a token of that state: the
    confirmation page shows the figures and sends the token back for the service to check."""

    dsp: Dsp
    effective_on: date
    drivers: int
    accounts: int
    leases: int
    routes_after: int
    token: str

    @property
    def button(self) -> str:
        """The confirming action, in the words of the page's button and the API's preview."""
        on = self.effective_on
        return f"Terminate {self.dsp.name} on {on.day} {on:%b}"


def termination_preview(*, dsp: Dsp, effective_on: date) -> TerminationPreview:
    drivers = Driver.objects.filter(dsp=dsp).exclude(status=Driver.Status.TERMINATED).count()
    accounts = Membership.objects.filter(
        dsp=dsp, role__in=(Role.DISPATCHER, Role.DRIVER), is_active=True
    ).count()
    leases = Lease.objects.filter(dsp=dsp, returned_on__isnull=True).count()
    routes_after = Route.objects.filter(dsp=dsp, service_date__gte=effective_on).count()
    state = (
        f"{dsp.pk}:{dsp.status}:{dsp.updated_at.isoformat()}:{effective_on.isoformat()}:"
        f"{drivers}:{accounts}:{leases}:{routes_after}"
    )
    return TerminationPreview(
        dsp=dsp,
        effective_on=effective_on,
        drivers=drivers,
        accounts=accounts,
        leases=leases,
        routes_after=routes_after,
        token=hashlib.sha256(state.encode()).hexdigest(),
    )


@dataclass(frozen=True)
class OffboardingStepPreview:
    """What one offboarding step will do, in sentences with its counts, dates and amounts, the
    button's words, and a token of that state the service checks (`offboarding_step(confirm=)`),
    as the termination's confirmation does."""

    step: str
    title: str
    effects: list[str]
    button: str
    token: str


def _token(*parts) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()


def _net_words(net) -> str:
    if net < 0:
        return f"{format_money(-net)} owed by the DSP"
    return f"{format_money(net)} to pay the DSP"


def offboarding_final_week(offboarding: Offboarding) -> date:
    """The start of the exit's last working week: the week its final statement covers."""
    last_day = max(offboarding.effective_on - timedelta(days=1), offboarding.created_at.date())
    return week_start_of(last_day)


def offboarding_step_preview(
    *, offboarding: Offboarding, step: str, transfers: dict[int, Dsp] | None = None
) -> OffboardingStepPreview:
    """The confirmation of one step of `offboarding` (`transfers`: lease id → receiving DSP)."""
    dsp, on = offboarding.dsp, offboarding.effective_on
    day = f"{on:%a} {on.day} {on:%b %Y}"
    if step == "territories":
        codes = list(
            Territory.objects.filter(dsp=dsp).order_by("code").values_list("code", flat=True)
        )
        n = len(codes)
        effects = [
            f"{n} territor{'y' if n == 1 else 'ies'} of {dsp.name} become coverage gaps other "
            f"DSPs may request{': ' + ', '.join(codes) if codes else ''}."
        ]
        return OffboardingStepPreview(
            step,
            f"Release {dsp.name}'s territories?",
            effects,
            f"Release {n} territor{'y' if n == 1 else 'ies'}",
            _token(step, offboarding.pk, *codes),
        )
    if step == "leases":
        return _leases_preview(offboarding, transfers or {}, day)
    if step == "settle":
        week = offboarding_final_week(offboarding)
        last = Statement.objects.filter(dsp=dsp).order_by("-week_start").first()
        final = final_statement_figures(dsp=dsp, final_week=week)
        effects = [
            f"The final statement of {dsp.name} is generated for the week of "
            f"{week.day} {week:%b %Y}, with every pending charge and penalty: as of now "
            f"{format_money(final.gross)} earned, {format_money(final.deductions)} deducted, "
            f"{_net_words(final.net)}.",
            "Closed weeks without a statement before it are generated too"
            + (
                f" (the last one is the week of {last.week_start.day} {last.week_start:%b %Y})."
                if last
                else "."
            ),
        ]
        return OffboardingStepPreview(
            step,
            f"Settle {dsp.name}'s account?",
            effects,
            f"Generate the final statement for the week of {week.day} {week:%b}",
            _token(
                step,
                offboarding.pk,
                week,
                last.pk if last else "",
                last.updated_at if last else "",
                final.net,
            ),
        )
    members = list(
        Membership.objects.filter(
            dsp=dsp, role__in=(Role.DISPATCHER, Role.DRIVER), is_active=True
        ).values_list("pk", flat=True)
    )
    drivers = Driver.objects.filter(dsp=dsp).exclude(status=Driver.Status.TERMINATED).count()
    effects = [
        f"{len(members)} dispatcher and driver account{'s' if len(members) != 1 else ''} are "
        f"closed and {drivers} driver{'s' if drivers != 1 else ''} terminated now; their "
        "records stay.",
        f"Vans whose lease ends on {day} are handed back.",
    ]
    return OffboardingStepPreview(
        step,
        f"Close {dsp.name}'s accounts?",
        effects,
        f"Close {len(members)} account{'s' if len(members) != 1 else ''} now",
        _token(step, offboarding.pk, drivers, *members),
    )


def _leases_preview(offboarding: Offboarding, transfers: dict, day: str) -> OffboardingStepPreview:
    dsp = offboarding.dsp
    leases = list(
        Lease.objects.filter(dsp=dsp, returned_on__isnull=True)
        .select_related("vehicle")
        .order_by("id")
    )
    moved = [lease for lease in leases if lease.pk in transfers]
    ended = [lease for lease in leases if lease.pk not in transfers]
    monthly = sum((lease.monthly_rate for lease in ended), start=0)
    effects = [
        f"{len(ended)} van lease{'s end' if len(ended) != 1 else ' ends'} on {day}"
        + (
            f" ({', '.join(lease.vehicle.plate for lease in ended)}; "
            f"{format_money(monthly)} a month in lease fees stop)."
            if ended
            else "."
        )
    ]
    effects += [
        f"Van {lease.vehicle.plate} moves to {transfers[lease.pk].name} from the next day, "
        f"at {format_money(lease.monthly_rate)} a month."
        for lease in moved
    ]
    n = len(leases)
    return OffboardingStepPreview(
        "leases",
        f"End or transfer {dsp.name}'s leases?",
        effects,
        f"End {len(ended)} and transfer {len(moved)} lease{'s' if n != 1 else ''} on {day}",
        _token(
            "leases",
            offboarding.pk,
            offboarding.effective_on,
            *(
                f"{lease.pk}>{transfers[lease.pk].pk if lease.pk in transfers else ''}"
                for lease in leases
            ),
        ),
    )


def evidence_options(*, dsp: Dsp) -> dict[str, list]:
    """The DSP's recent records staff may cite: incidents, scorecards, failed inspections."""
    since = dsp.station.today() - timedelta(days=EVIDENCE_DAYS)
    return {
        "incidents": list(
            SafetyIncident.objects.filter(driver__dsp=dsp, occurred_at__date__gte=since)
            .select_related("driver")
            .order_by("-occurred_at")[:EVIDENCE_LIMIT]
        ),
        "scorecards": list(
            Scorecard.objects.filter(dsp=dsp, week_start__gte=since).order_by("-week_start")[
                :EVIDENCE_LIMIT
            ]
        ),
        "inspections": list(
            Inspection.objects.filter(vehicle__dsp=dsp, inspected_on__gte=since)
            .exclude(result="pass")
            .select_related("vehicle")
            .order_by("-inspected_on")[:EVIDENCE_LIMIT]
        ),
    }


def evidence_records(*, action: ComplianceAction) -> dict[str, list]:
    """The records an action cites, still limited to the action's DSP."""
    ids = action.evidence or {}
    dsp = action.dsp_id
    return {
        "incidents": list(
            SafetyIncident.objects.filter(driver__dsp=dsp, pk__in=ids.get("incidents", []))
            .select_related("driver")
            .order_by("-occurred_at")
        ),
        "scorecards": list(
            Scorecard.objects.filter(dsp=dsp, pk__in=ids.get("scorecards", [])).order_by(
                "-week_start"
            )
        ),
        "inspections": list(
            Inspection.objects.filter(vehicle__dsp=dsp, pk__in=ids.get("inspections", []))
            .select_related("vehicle")
            .order_by("-inspected_on")
        ),
    }


def action_list(
    *, user, dsp: int | None = None, kind: str | None = None
) -> QuerySet[ComplianceAction]:
    """Actions the user may see (staff: all; a DSP: its own), newest first."""
    qs = (
        scope_to_user(ComplianceAction.objects.all(), user)
        .select_related("dsp", "created_by", "lifts")
        .annotate(response_count=Count("responses"))
    )
    if dsp:
        qs = qs.filter(dsp_id=dsp)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def action_open_for_home(*, user, limit: int = 5) -> list[ComplianceAction]:
    """The latest actions an owner should see on the home page, plans to acknowledge first."""
    rows = list(
        scope_to_user(ComplianceAction.objects.all(), user)
        .select_related("dsp")
        .order_by("-created_at", "-id")[:limit]
    )
    return sorted(rows, key=lambda a: not a.needs_acknowledgement)


def response_list(*, user, action: ComplianceAction) -> QuerySet[ActionResponse]:
    return (
        scope_to_user(ActionResponse.objects.filter(action=action), user)
        .select_related("author")
        .order_by("created_at", "id")
    )


def offboarding_list(*, user) -> QuerySet[Offboarding]:
    return scope_to_user(Offboarding.objects.all(), user).select_related(
        "dsp", "final_statement", "started_by"
    )


def offboarding_lease_choices(*, offboarding: Offboarding) -> dict:
    """For the leases step: the leaving DSP's open leases and the active DSPs of its station
    that may take a van over."""
    dsp = offboarding.dsp
    return {
        "leases": list(
            Lease.objects.filter(dsp=dsp, returned_on__isnull=True)
            .select_related("vehicle")
            .order_by("id")
        ),
        "receivers": list(
            Dsp.objects.filter(station_id=dsp.station_id, status=Dsp.Status.ACTIVE)
            .exclude(pk=dsp.pk)
            .order_by("name")
        ),
    }
