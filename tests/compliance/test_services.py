"""Compliance actions and offboarding against the real PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.models import Statement, StatementLine
from billing.services import statement_approve, statement_generate, statements_generate_through
from compliance import services
from compliance.models import ActionResponse, ComplianceAction, Offboarding
from compliance.selectors import offboarding_step_preview
from drivers.models import Driver
from dsps.models import AuditEvent, Dsp, Membership, Role, Territory, TerritoryHolding, User
from dsps.selectors import dsp_is_suspended
from fleet.models import Lease, Vehicle
from nextmile.calendar import week_start_of
from routes.manifests.allocation import TerritoryIndex
from routes.planning.jobs import plan_job_prepare, plan_job_start
from tests.billing.factories import RateCardFactory
from tests.drivers.factories import DriverFactory, IncidentFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory, TerritoryFactory
from tests.fleet.factories import ready_vehicle
from tests.routes.factories import (
    DeliveryEventFactory,
    PackageFactory,
    RouteFactory,
    onboarded_dsp,
    planning_day,
)
from tests.tenancy.urls import PROJECT_APPS

DAY = datetime.timedelta(days=1)


@pytest.fixture
def staff_user(db):
    return StaffFactory().user


def _owner(dsp):
    return MembershipFactory(dsp=dsp, role=Role.OWNER).user


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }


def test_a_warning_cites_evidence_is_audited_and_mailed_to_the_owner(
    staff_user, django_capture_on_commit_callbacks
):
    # given
    dsp = DspFactory()
    owner = _owner(dsp)
    incident = IncidentFactory(driver=DriverFactory(dsp=dsp))
    foreign = IncidentFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        action = services.action_create(
            dsp=dsp,
            kind="warning",
            reason="Speeding on three routes.",
            by=staff_user,
            evidence={"incidents": [incident.pk]},
        )
    # then
    assert action.evidence == {"incidents": [incident.pk]}
    event = AuditEvent.objects.get(verb="compliance.warning")
    assert (event.dsp, event.actor, event.reason) == (dsp, staff_user, "Speeding on three routes.")
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "Speeding on three routes." in mail.outbox[0].body
    # and another DSP's incident cannot be cited
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            dsp=dsp,
            kind="warning",
            reason="Again",
            by=staff_user,
            evidence={"incidents": [foreign.pk]},
        )
    assert "evidence" in refused.value.message_dict
    assert ComplianceAction.objects.count() == 1


def test_only_staff_record_actions(db):
    dsp = DspFactory()
    with pytest.raises(PermissionDenied):
        services.action_create(dsp=dsp, kind="warning", reason="x", by=_owner(dsp))
    assert ComplianceAction.objects.count() == 0


def test_a_penalty_lands_once_on_the_first_week_starting_on_or_after_its_date(
    staff_user, django_capture_on_commit_callbacks
):
    # given: last week's draft exists before the penalty is charged today
    dsp = DspFactory()
    _owner(dsp)
    today = dsp.station.today()
    last_week = week_start_of(today) - 7 * DAY
    next_week = week_start_of(today) + 7 * DAY
    RateCardFactory(station=dsp.station, effective_from=last_week - 28 * DAY)
    statement_generate(dsp=dsp, week_start=last_week)
    with django_capture_on_commit_callbacks(execute=True):
        action = services.action_create(
            dsp=dsp, kind="penalty", reason="Late cancellations.", by=staff_user, amount="250.00"
        )
    assert action.charge.applies_from == today
    lands = week_start_of(today) if week_start_of(today) == today else next_week
    assert f"deducted on your statement for the week starting {lands}." in mail.outbox[0].body
    # when: the older draft is regenerated first
    older = statement_generate(dsp=dsp, week_start=last_week)
    # then: it does not carry the fine
    assert older.lines.filter(kind="fine").count() == 0
    assert older.deductions == Decimal("0.00")
    # next week's draft carries it, once, however often it is rebuilt
    statement_generate(dsp=dsp, week_start=next_week)
    statement = statement_generate(dsp=dsp, week_start=next_week)
    fine = statement.lines.get(kind=StatementLine.Kind.FINE)
    assert (fine.amount, fine.is_deduction, fine.pending_id) == (
        Decimal("250.00"),
        True,
        action.charge_id,
    )
    assert statement.deductions == Decimal("250.00")
    # a later statement, and the older one rebuilt again, do not charge it again
    later = statement_generate(dsp=dsp, week_start=next_week + 7 * DAY)
    assert later.lines.filter(kind="fine").count() == 0
    assert statement_generate(dsp=dsp, week_start=last_week).lines.filter(kind="fine").count() == 0
    assert StatementLine.objects.filter(pending=action.charge).count() == 1


def test_a_corrective_plan_needs_a_due_date_and_the_owner_acknowledges_it(staff_user):
    dsp = DspFactory()
    owner = _owner(dsp)
    with pytest.raises(ValidationError) as refused:
        services.action_create(dsp=dsp, kind="corrective_plan", reason="POD", by=staff_user)
    assert list(refused.value.message_dict) == ["due_on"]
    plan = services.action_create(
        dsp=dsp,
        kind="corrective_plan",
        reason="POD below 90 %",
        by=staff_user,
        due_on=dsp.station.today() + 14 * DAY,
    )
    assert plan.needs_acknowledgement
    services.action_acknowledge(action=plan, by=owner)
    plan.refresh_from_db()
    assert (plan.acknowledged_by, plan.needs_acknowledgement) == (owner, False)
    # another DSP's owner cannot
    with pytest.raises(PermissionDenied):
        services.action_acknowledge(action=plan, by=_owner(DspFactory()))


def test_a_suspension_ending_before_it_starts_is_refused_and_nothing_is_written(staff_user):
    dsp = DspFactory()
    today = dsp.station.today()
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            dsp=dsp,
            kind="suspension",
            reason="Safety",
            by=staff_user,
            starts_on=today + 3 * DAY,
            ends_on=today + DAY,
        )
    assert list(refused.value.message_dict) == ["ends_on"]
    assert "before it starts" in refused.value.message_dict["ends_on"][0]
    dsp.refresh_from_db()
    assert (dsp.routes_suspended_from, ComplianceAction.objects.count()) == (None, 0)
    assert AuditEvent.objects.count() == 0


def test_a_suspended_dsp_is_skipped_by_planning_and_allocation_until_lifted(staff_user):
    # given: an onboarded DSP with a day of stops in its territory
    dsp = onboarded_dsp()
    _owner(dsp)
    planning_day(dsp=dsp, stops=3)
    today = dsp.station.today()
    # when
    suspension = services.action_create(
        dsp=dsp, kind="suspension", reason="Safety review", by=staff_user, starts_on=today
    )
    # then
    dsp.refresh_from_db()
    assert dsp_is_suspended(dsp, on=today) and dsp_is_suspended(dsp, on=today + 30 * DAY)
    assert TerritoryIndex.for_station(dsp.station, on=today).holders == []
    job = plan_job_start(user=staff_user, service_date=today, time_limit_s=5, station=dsp.station)
    assert plan_job_prepare(job_id=job.pk) == []
    job.refresh_from_db()
    assert job.summary["skipped"] == [{"dsp": dsp.name, "reason": "suspended from new routes"}]
    with pytest.raises(ValidationError) as refused:
        plan_job_start(user=_owner(dsp), service_date=today, time_limit_s=5)
    assert "suspended" in refused.value.message_dict["service_date"][0]
    # and a second suspension waits for the first to be lifted
    with pytest.raises(ValidationError):
        services.action_create(
            dsp=dsp, kind="suspension", reason="Again", by=staff_user, starts_on=today
        )
    # when lifted
    services.action_lift(action=suspension, by=staff_user, reason="Review passed")
    dsp.refresh_from_db()
    assert not dsp_is_suspended(dsp, on=today)
    assert TerritoryIndex.for_station(dsp.station, on=today).holders == [dsp.pk]
    with pytest.raises(ValidationError):
        services.action_lift(action=suspension, by=staff_user, reason="twice")


def test_an_owner_answers_with_a_checked_document(staff_user):
    dsp = DspFactory()
    owner = _owner(dsp)
    action = services.action_create(dsp=dsp, kind="warning", reason="POD", by=staff_user)
    fake = SimpleUploadedFile("plan.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.action_respond(action=action, by=owner, message="See plan", document=fake)
    assert list(refused.value.message_dict) == ["document"]
    assert ActionResponse.objects.count() == 0
    pdf = SimpleUploadedFile("../../plan.pdf", b"%PDF-1.4 ok", content_type="application/pdf")
    response = services.action_respond(action=action, by=owner, message="See plan", document=pdf)
    assert response.document_name.endswith("plan.pdf")
    assert ".." not in response.document.name
    with pytest.raises(PermissionDenied):
        services.action_respond(action=action, by=_owner(DspFactory()), message="Not mine")


def _leaving_dsp():
    """An active DSP with history: a territory, two leased vans, a dispatcher, two drivers
    (one with a sign-in), a route with deliveries last week, rates."""
    dsp = DspFactory(name="Departing Deliveries")
    owner = _owner(dsp)
    territory = TerritoryFactory(station=dsp.station, dsp=dsp)
    vans = [ready_vehicle(dsp), ready_vehicle(dsp)]
    dispatcher = MembershipFactory(dsp=dsp, role=Role.DISPATCHER)
    driver_member = MembershipFactory(dsp=dsp, role=Role.DRIVER)
    driver = DriverFactory(dsp=dsp, user=driver_member.user)
    DriverFactory(dsp=dsp)
    today = dsp.station.today()
    RateCardFactory(station=dsp.station, effective_from=week_start_of(today) - 56 * DAY)
    route = RouteFactory(dsp=dsp, service_date=today - 7 * DAY, driver=driver, vehicle=vans[0])
    for _ in range(3):
        DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))
    return dsp, owner, territory, vans, dispatcher, driver_member


def test_termination_releases_ends_settles_and_closes_accounts_on_the_date_keeping_history(
    staff_user,
):
    # given
    dsp, owner, territory, _vans, dispatcher, driver_member = _leaving_dsp()
    today = dsp.station.today()
    effective = today + 2 * DAY
    before = _row_counts()
    # when: staff terminate and run the guided steps
    action = services.action_create(
        dsp=dsp,
        kind="termination",
        reason="Repeated safety failures.",
        by=staff_user,
        effective_on=effective,
    )
    offboarding = Offboarding.objects.get(dsp=dsp)
    assert offboarding.action == action
    for step in ("territories", "leases", "settle"):
        offboarding = services.offboarding_step(offboarding=offboarding, step=step, by=staff_user)
    # then: the territory is a coverage gap (its holding history stays)
    territory.refresh_from_db()
    assert territory.dsp is None
    holding = TerritoryHolding.objects.get(territory=territory)
    assert (holding.dsp, holding.ends_at is not None) == (dsp, True)
    # the leases end on the date (not yet handed back), the final statement exists
    assert sorted(Lease.objects.filter(dsp=dsp).values_list("ends_on", flat=True)) == [
        effective,
        effective,
    ]
    statement = offboarding.final_statement
    assert statement.week_start == week_start_of(effective - DAY)
    dsp.refresh_from_db()
    assert dsp.status == Dsp.Status.TERMINATED
    assert dsp_is_suspended(dsp, on=effective)
    # accounts stay open until the date
    with pytest.raises(ValidationError) as early:
        services.offboarding_step(offboarding=offboarding, step="accounts", by=staff_user)
    assert "step" in early.value.message_dict
    assert services.offboarding_accounts_close_due(today=effective - DAY) == 0
    assert Membership.objects.filter(dsp=dsp, is_active=True).count() == 3
    # on the date they close (owner keeps access to the final statement)
    assert services.offboarding_accounts_close_due(today=effective) == 1
    assert services.offboarding_accounts_close_due(today=effective) == 0
    offboarding.refresh_from_db()
    assert offboarding.status == Offboarding.Status.COMPLETED
    closed = Membership.objects.filter(dsp=dsp, is_active=False).order_by("role")
    assert {m.user_id for m in closed} == {dispatcher.user_id, driver_member.user_id}
    assert User.objects.get(pk=dispatcher.user_id).is_active is False
    assert Membership.objects.get(user=owner).is_active is True
    assert set(Driver.objects.filter(dsp=dsp).values_list("status", flat=True)) == {"terminated"}
    # and nothing was deleted: every table has at least the rows it had
    after = _row_counts()
    shrunk = {
        label: (before[label], after[label]) for label in before if after[label] < before[label]
    }
    assert shrunk == {}
    assert Vehicle.objects.filter(dsp=dsp).count() == 2
    # the final statement, and one for every week from last week's route (which had no
    # statement yet) up to it: a week apart, so more than two when the exit falls in next week
    first = week_start_of(today - 7 * DAY)
    weeks_to_exit = (statement.week_start - first).days // 7
    assert list(
        Statement.objects.filter(dsp=dsp)
        .order_by("week_start")
        .values_list("week_start", flat=True)
    ) == [first + n * 7 * DAY for n in range(weeks_to_exit + 1)]


def test_settling_fills_every_closed_week_without_a_statement_up_to_the_exit(staff_user):
    # given: the last statement is four weeks old and approved; a route ran last week
    dsp, *_ = _leaving_dsp()
    today = dsp.station.today()
    this_week = week_start_of(today)
    old = statement_approve(
        statement=statement_generate(dsp=dsp, week_start=this_week - 28 * DAY), by=staff_user
    )
    effective = today + 2 * DAY
    services.action_create(
        dsp=dsp, kind="termination", reason="Fraud", by=staff_user, effective_on=effective
    )
    offboarding = Offboarding.objects.get(dsp=dsp)
    final_week = week_start_of(effective - DAY)
    missing = []
    week = this_week - 21 * DAY
    while week < final_week:
        missing.append(week)
        week += 7 * DAY
    # when
    offboarding = services.offboarding_step(offboarding=offboarding, step="settle", by=staff_user)
    # then: one statement per week from the old one to the final one, none twice
    weeks = list(
        Statement.objects.filter(dsp=dsp)
        .order_by("week_start")
        .values_list("week_start", flat=True)
    )
    assert weeks == [old.week_start, *missing, final_week]
    assert offboarding.summary["statements_filled"] == [w.isoformat() for w in missing]
    filled = Statement.objects.filter(dsp=dsp, week_start__in=missing)
    assert {(s.status, s.lines.filter(kind="vans").get().quantity) for s in filled} == {
        (Statement.Status.DRAFT, Decimal("2.00"))
    }
    # and filling again finds nothing missing
    assert statements_generate_through(dsp=dsp, final_week=final_week)[0] == []
    assert Statement.objects.filter(dsp=dsp).count() == len(weeks)
    # a DSP without statements is filled from its first route, but not before the first rates
    newer = DspFactory(station=dsp.station)
    RouteFactory(dsp=newer, service_date=this_week - 70 * DAY)
    filled, final = statements_generate_through(dsp=newer, final_week=this_week)
    assert filled == [this_week - 56 * DAY + n * 7 * DAY for n in range(8)]
    assert final.week_start == this_week


def test_the_leases_step_transfers_a_chosen_van_and_ends_the_others(staff_user):
    # given: a leaving DSP with two vans, a suspended and an active DSP at its station
    dsp, _owner_user, _territory, vans, *_ = _leaving_dsp()
    receiver = DspFactory(station=dsp.station, name="Receiving Routes")
    suspended = DspFactory(station=dsp.station, status=Dsp.Status.SUSPENDED)
    effective = dsp.station.today() + 2 * DAY
    services.action_create(
        dsp=dsp, kind="termination", reason="Fraud", by=staff_user, effective_on=effective
    )
    offboarding = Offboarding.objects.get(dsp=dsp)
    moving = Lease.objects.get(vehicle=vans[0], dsp=dsp)
    # a transfer to a DSP that is not active is refused, nothing written
    with pytest.raises(ValidationError) as refused:
        services.offboarding_step(
            offboarding=offboarding,
            step="leases",
            by=staff_user,
            transfers={moving.pk: suspended.pk},
        )
    assert "only an active DSP" in refused.value.message_dict["transfers"][0]
    assert set(Lease.objects.filter(dsp=dsp).values_list("ends_on", flat=True)) == {None}
    # when
    offboarding = services.offboarding_step(
        offboarding=offboarding, step="leases", by=staff_user, transfers={moving.pk: receiver.pk}
    )
    # then: both old leases end on the date; the receiver's lease starts the next day
    assert set(Lease.objects.filter(dsp=dsp).values_list("ends_on", flat=True)) == {effective}
    taken = Lease.objects.get(dsp=receiver)
    assert (taken.vehicle, taken.starts_on) == (vans[0], effective + DAY)
    assert offboarding.summary["transfers"][0]["new_lease"] == taken.pk
    # on the date, accounts close: the transferred van changes fleet, the other stays
    services.offboarding_accounts_close_due(today=effective)
    vans[0].refresh_from_db()
    vans[1].refresh_from_db()
    assert (vans[0].dsp, vans[0].status) == (receiver, Vehicle.Status.ACTIVE)
    assert vans[1].dsp == dsp
    moving.refresh_from_db()
    assert moving.returned_on is None


def test_a_second_termination_is_refused(staff_user):
    dsp = DspFactory()
    today = dsp.station.today()
    services.action_create(
        dsp=dsp, kind="termination", reason="Fraud", by=staff_user, effective_on=today + DAY
    )
    before = _row_counts()
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            dsp=dsp, kind="termination", reason="Again", by=staff_user, effective_on=today + DAY
        )
    assert refused.value.message_dict == {"kind": [f"{dsp.name} is already terminated."]}
    assert _row_counts() == before


def test_a_penalty_on_a_terminated_dsps_closed_final_statement_is_refused(staff_user):
    dsp = DspFactory()
    today = dsp.station.today()
    RateCardFactory(station=dsp.station, effective_from=week_start_of(today) - 56 * DAY)
    services.action_create(
        dsp=dsp, kind="termination", reason="Fraud", by=staff_user, effective_on=today
    )
    offboarding = services.offboarding_step(
        offboarding=Offboarding.objects.get(dsp=dsp), step="settle", by=staff_user
    )
    # a penalty before approval still lands on the final statement once it is rebuilt
    services.action_create(dsp=dsp, kind="penalty", reason="Late", by=staff_user, amount="40")
    final = statement_generate(dsp=dsp, week_start=offboarding.final_statement.week_start)
    assert final.deductions == Decimal("40.00")
    statement_approve(statement=final, by=staff_user)
    before = _row_counts()
    # when
    with pytest.raises(ValidationError) as refused:
        services.action_create(dsp=dsp, kind="penalty", reason="More", by=staff_user, amount="60")
    # then
    assert list(refused.value.message_dict) == ["amount"]
    assert "final statement" in refused.value.message_dict["amount"][0]
    assert _row_counts() == before


def test_an_owner_starts_a_voluntary_exit_once(db):
    dsp = DspFactory()
    owner = _owner(dsp)
    today = dsp.station.today()
    with pytest.raises(ValidationError) as past:
        services.offboarding_start(
            dsp=dsp, kind="voluntary", effective_on=today - DAY, by=owner, reason=""
        )
    assert list(past.value.message_dict) == ["effective_on"]
    exit_ = services.offboarding_start(
        dsp=dsp, kind="voluntary", effective_on=today + 10 * DAY, by=owner, reason="Retiring"
    )
    dsp.refresh_from_db()
    assert (exit_.kind, dsp.status, dsp.routes_suspended_from) == (
        "voluntary",
        Dsp.Status.ACTIVE,
        today + 10 * DAY,
    )
    with pytest.raises(ValidationError):
        services.offboarding_start(
            dsp=dsp, kind="voluntary", effective_on=today + 10 * DAY, by=owner
        )
    with pytest.raises(PermissionDenied):
        services.offboarding_step(offboarding=exit_, step="territories", by=owner)
    assert Territory.objects.count() == 0


def test_the_settle_confirmation_names_the_final_amount_and_goes_stale_when_it_changes(
    staff_user,
):
    # given: a terminated DSP with a $40 penalty waiting for its final statement
    dsp = DspFactory()
    today = dsp.station.today()
    RateCardFactory(station=dsp.station, effective_from=week_start_of(today) - 56 * DAY)
    services.action_create(dsp=dsp, kind="penalty", reason="Late", by=staff_user, amount="40")
    services.action_create(
        dsp=dsp, kind="termination", reason="Fraud", by=staff_user, effective_on=today
    )
    offboarding = Offboarding.objects.get(dsp=dsp)
    before = _row_counts()

    # when: staff open the settle step's confirmation
    preview = offboarding_step_preview(offboarding=offboarding, step="settle")

    # then: it names the amount the statement will carry, and nothing was written for it
    assert any("$40.00 deducted, $40.00 owed by the DSP" in e for e in preview.effects)
    assert _row_counts() == before

    # when: another penalty lands before the step is confirmed
    services.action_create(dsp=dsp, kind="penalty", reason="More", by=staff_user, amount="60")
    # then: the confirmation shown is stale, and nothing is settled
    with pytest.raises(ValidationError) as refused:
        services.offboarding_step(
            offboarding=offboarding, step="settle", by=staff_user, confirm=preview.token
        )
    assert list(refused.value.message_dict) == ["confirm"]
    assert not Statement.objects.filter(dsp=dsp).exists()
    # and: the new confirmation names the new amount, which the step then puts on the statement
    fresh = offboarding_step_preview(offboarding=offboarding, step="settle")
    assert any("$100.00 owed by the DSP" in e for e in fresh.effects)
    settled = services.offboarding_step(
        offboarding=offboarding, step="settle", by=staff_user, confirm=fresh.token
    )
    assert settled.final_statement.net == Decimal("-100.00")
