import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, transaction
from django.utils import timezone

from billing.models import Dispute, RateCard, Statement, StatementLine, ThresholdSet
from billing.scorecards.metrics import (
    DEFAULT_THRESHOLDS,
    DEFAULT_WEIGHTS,
    hurting_metrics,
    scorecard_compute,
)
from billing.selectors import driver_hours
from billing.services import (
    dispute_open,
    dispute_resolve,
    pending_adjustment_add,
    rate_card_create,
    statement_approve,
    statement_generate,
    statement_line_add,
    statement_mark_paid,
    threshold_set_save,
)
from billing.tasks import statement_generate_task
from routes.models import CustomerFeedback
from tests.billing.factories import (
    WEEK,
    RateCardFactory,
    StatementFactory,
    StatementLineFactory,
    ThresholdSetFactory,
    approved_statement,
)
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory
from tests.routes.factories import (
    CustomerFeedbackFactory,
    DeliveryEventFactory,
    PackageFactory,
    RouteFactory,
    ShiftPunchFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _week_with_deliveries(n=3):
    dsp = DspFactory()
    RateCardFactory(station=dsp.station)
    route = RouteFactory(
        dsp=dsp, service_date=WEEK + datetime.timedelta(days=1), status="completed"
    )
    for _ in range(n):
        DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))
    return dsp


def test_generating_a_week_twice_makes_one_statement_with_the_same_lines():
    # given
    dsp = _week_with_deliveries()
    first = statement_generate(dsp=dsp, week_start=WEEK)
    lines = [(x.kind, x.amount) for x in first.lines.all()]
    # when: the beat task runs it again
    statement_generate_task(dsp.pk, WEEK.isoformat())
    # then
    assert Statement.objects.filter(dsp=dsp).count() == 1
    again = Statement.objects.get(dsp=dsp)
    assert [(x.kind, x.amount) for x in again.lines.all()] == lines
    assert again.net == first.net == Decimal("231.80")


def test_the_database_refuses_a_second_statement_for_the_same_week():
    # given
    statement = StatementFactory()
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.create(dsp=statement.dsp, week_start=statement.week_start)
    assert Statement.objects.filter(dsp=statement.dsp).count() == 1


def test_regenerating_an_approved_statement_leaves_it_alone():
    # given
    dsp = _week_with_deliveries()
    statement = statement_approve(
        statement=statement_generate(dsp=dsp, week_start=WEEK), by=StaffFactory().user
    )
    route = dsp.routes.get()
    DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))  # a late event
    # when
    again = statement_generate(dsp=dsp, week_start=WEEK)
    # then
    assert again.status == Statement.Status.APPROVED
    assert again.net == statement.net == Decimal("231.80")


def test_the_database_refuses_to_change_an_approved_statements_lines():
    # given
    statement = approved_statement()
    line = statement.lines.get()
    # when / then: even an update that bypasses the services is refused
    with pytest.raises(InternalError), transaction.atomic():
        StatementLine.objects.filter(pk=line.pk).update(amount=Decimal("999.00"))
    with pytest.raises(InternalError), transaction.atomic():
        StatementLine.objects.create(
            statement=statement, kind="fine", description="x", quantity=1, rate=1, amount=1
        )
    with pytest.raises(InternalError), transaction.atomic():
        StatementLine.objects.filter(pk=line.pk).delete()
    with pytest.raises(InternalError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(gross=Decimal("1.00"), net=Decimal("1.00"))
    with pytest.raises(InternalError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(status="draft")
    # then nothing changed
    line.refresh_from_db()
    statement.refresh_from_db()
    assert (line.amount, statement.gross, statement.status) == (
        Decimal("460.00"),
        Decimal("460.00"),
        "approved",
    )
    assert statement.lines.count() == 1


def test_an_approved_statement_may_still_be_paid():
    statement = statement_mark_paid(statement=approved_statement())
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PAID


def test_an_adjustment_on_an_approved_statement_is_refused():
    # given
    statement = approved_statement()
    # when
    with pytest.raises(ValidationError) as error:
        statement_line_add(
            statement=statement,
            kind="adjustment",
            description="Oops",
            quantity=Decimal("1"),
            rate=Decimal("10"),
        )
    # then
    assert error.value.message_dict == {
        "statement": ["This statement is approved; corrections go on a later statement."]
    }
    assert statement.lines.count() == 1


def test_a_negative_quantity_is_refused():
    statement = StatementFactory()
    with pytest.raises(ValidationError) as error:
        statement_line_add(
            statement=statement,
            kind="fine",
            description="Late",
            quantity=Decimal("-1"),
            rate=Decimal("50"),
        )
    assert error.value.message_dict == {"quantity": ["Quantity cannot be negative."]}
    assert statement.lines.count() == 0


def test_a_rate_effective_inside_an_approved_week_is_refused():
    # given
    statement = approved_statement()
    station = statement.dsp.station
    # when
    with pytest.raises(ValidationError) as error:
        rate_card_create(
            station=station,
            effective_from=WEEK + datetime.timedelta(days=3),
            route_fee=Decimal("250"),
            package_rate=Decimal("0.6"),
            van_weekly_fee=Decimal("150"),
        )
    # then
    assert list(error.value.message_dict) == ["effective_from"]
    assert RateCard.objects.filter(station=station).count() == 0
    # a date after the approved week is fine
    card = rate_card_create(
        station=station,
        effective_from=WEEK + datetime.timedelta(days=7),
        route_fee=Decimal("250"),
        package_rate=Decimal("0.6"),
        van_weekly_fee=Decimal("150"),
    )
    assert card.route_fee == Decimal("250")


def test_thresholds_out_of_order_are_refused():
    station = DspFactory().station
    bad = dict(DEFAULT_THRESHOLDS, dcr=[99.0, 99.5, 98.0, 97.0])
    with pytest.raises(ValidationError) as error:
        threshold_set_save(
            station=station, week_start=WEEK, thresholds=bad, weights=DEFAULT_WEIGHTS
        )
    assert error.value.message_dict == {
        "thresholds": [
            "Delivery completion rate: thresholds are out of order; Fantastic Plus must be the "
            "highest, then Fantastic, Great and Fair."
        ]
    }
    assert ThresholdSet.objects.count() == 0


def test_an_upheld_dispute_becomes_an_adjustment_on_the_next_statement():
    # given: an approved week with a disputed line
    dsp = _week_with_deliveries()
    staff = StaffFactory().user
    first = statement_approve(statement=statement_generate(dsp=dsp, week_start=WEEK), by=staff)
    owner = MembershipFactory(dsp=dsp, role="owner").user
    dispute = dispute_open(
        line=first.lines.get(kind="routes"),
        by=owner,
        message="R2 ran too",
        amount=Decimal("230.00"),
    )
    dispute_resolve(dispute=dispute, upheld=True, resolution="Route was run.")
    # when
    nxt = statement_generate(dsp=dsp, week_start=WEEK + datetime.timedelta(days=7))
    statement_generate(dsp=dsp, week_start=WEEK + datetime.timedelta(days=7))
    # then
    adjustment = nxt.lines.get(kind="adjustment")
    assert (adjustment.amount, adjustment.dispute_id) == (Decimal("230.00"), dispute.pk)
    assert nxt.gross == Decimal("230.00")  # no routes that week: the adjustment alone
    first.refresh_from_db()
    assert first.net == Decimal("231.80")


def test_a_dispute_after_the_window_is_refused(settings):
    statement = approved_statement()
    Statement.objects.filter(pk=statement.pk).update(
        approved_at=timezone.now()
        - datetime.timedelta(days=settings.BILLING_DISPUTE_WINDOW_DAYS + 1)
    )
    statement.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        dispute_open(
            line=statement.lines.get(), by=StaffFactory().user, message="x", amount=Decimal("1")
        )
    assert error.value.message_dict == {
        "line": ["The dispute window for this statement has closed."]
    }
    assert Dispute.objects.count() == 0


def test_a_statement_line_factory_line_reconciles():
    line = StatementLineFactory()
    assert line.quantity * line.rate == line.amount


def test_a_customer_escalation_caps_the_tier():
    # given: a week perfect on completion, the only weighted metric, but for one escalation

    dsp = _week_with_deliveries(n=2)
    ThresholdSetFactory(station=dsp.station, weights={"dcr": 1}, escalation_cap="great")
    event = dsp.routes.get().events.first()
    CustomerFeedbackFactory(package=event.package, kind=CustomerFeedback.Kind.ESCALATION)
    # when
    card = scorecard_compute(dsp=dsp, week_start=WEEK)
    # then
    assert card["metrics"]["dcr"]["tier"] == "fantastic_plus"
    assert (card["tier"], card["capped"]) == ("great", True)


def test_the_three_metrics_hurting_most_name_their_routes():
    dsp = _week_with_deliveries(n=2)
    event = dsp.routes.get().events.first()
    CustomerFeedbackFactory(package=event.package, kind=CustomerFeedback.Kind.NEGATIVE)
    # when
    hurting = hurting_metrics(scorecard_compute(dsp=dsp, week_start=WEEK))
    # then: negative feedback, photos and inspections are Poor (no photo, no inspection)
    assert [h["key"] for h in hurting] == ["cdf_dpmo", "inspections", "pod"]
    assert [h["routes"] for h in hurting] == [[dsp.routes.get().code]] * 3


def test_hours_past_forty_are_paid_at_time_and_a_half():
    dsp = DspFactory()
    driver = DriverFactory(dsp=dsp, hourly_rate=Decimal("20.00"))
    for d in range(5):  # five 9-hour days = 45 h
        day = WEEK + datetime.timedelta(days=d)
        route = RouteFactory(dsp=dsp, service_date=day, driver=driver, drive_s=28800)
        start = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)
        ShiftPunchFactory(driver=driver, route=route, kind="clock_in", at=start)
        ShiftPunchFactory(
            driver=driver, route=route, kind="clock_out", at=start + datetime.timedelta(hours=9)
        )
    [row] = driver_hours(dsp=dsp, week_start=WEEK)
    assert (row["planned_hours"], row["actual_hours"], row["overtime_hours"]) == (
        Decimal("40.00"),
        Decimal("45.00"),
        Decimal("5.00"),
    )
    assert row["wages"] == Decimal("950.00")  # 40 × 20 + 5 × 30


def test_a_pending_charge_skips_drafts_of_weeks_before_its_date_and_lands_once():
    # given: drafts for the week and the one before, a fine dated the Wednesday after
    dsp = DspFactory()
    RateCardFactory(station=dsp.station)
    before, week, after = WEEK - 7 * DAY, WEEK, WEEK + 7 * DAY
    statement_generate(dsp=dsp, week_start=before)
    statement_generate(dsp=dsp, week_start=week)
    pending = pending_adjustment_add(
        dsp=dsp,
        kind=StatementLine.Kind.FINE,
        description="Unsafe parking",
        amount=Decimal("75"),
        applies_from=week + 2 * DAY,
    )
    # when: the older drafts are regenerated first
    older = [statement_generate(dsp=dsp, week_start=w) for w in (before, week)]
    # then: neither carries it
    assert [s.lines.filter(pending=pending).count() for s in older] == [0, 0]
    assert [s.deductions for s in older] == [Decimal("0.00"), Decimal("0.00")]
    # the next week's draft carries it once, rebuilt twice
    statement_generate(dsp=dsp, week_start=after)
    statement = statement_generate(dsp=dsp, week_start=after)
    assert list(statement.lines.filter(pending=pending).values_list("amount", flat=True)) == [
        Decimal("75.00")
    ]
    assert statement.deductions == Decimal("75.00")
    assert (
        statement_generate(dsp=dsp, week_start=after + 7 * DAY)
        .lines.filter(pending=pending)
        .count()
        == 0
    )
    assert StatementLine.objects.filter(pending=pending).count() == 1


def test_a_pending_charge_never_lands_on_an_approved_statement():
    # given: the week of the fine's date is approved already
    dsp = DspFactory()
    RateCardFactory(station=dsp.station)
    approved = statement_approve(
        statement=statement_generate(dsp=dsp, week_start=WEEK), by=StaffFactory().user
    )
    pending = pending_adjustment_add(
        dsp=dsp,
        kind=StatementLine.Kind.FINE,
        description="Unsafe parking",
        amount=Decimal("75"),
        applies_from=WEEK,
    )
    # when
    statement_generate(dsp=dsp, week_start=WEEK)
    following = statement_generate(dsp=dsp, week_start=WEEK + 7 * DAY)
    # then
    assert approved.lines.filter(pending=pending).count() == 0
    assert following.lines.get(pending=pending).amount == Decimal("75.00")
