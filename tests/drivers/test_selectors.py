"""The assignable-drivers selector, one rule at a time, on PostgreSQL."""

import datetime
from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from drivers.models import Audience, Driver
from drivers.selectors import (
    compliance_rows,
    driver_unassignable_reasons,
    drivers_assignable,
    jobs_created,
    licence_alerts,
    owner_training_done,
    retention_by_dsp,
    training_status,
)
from dsps.models import Role
from tests.drivers.factories import (
    ApplicantFactory,
    AvailabilityFactory,
    CompletionFactory,
    DriverFactory,
    IncidentFactory,
    TimeOffFactory,
    TrainingModuleFactory,
    available_every_day,
    trained,
)
from tests.dsps.factories import DspFactory, MembershipFactory


def _ready_driver(dsp, *modules, **kwargs):
    """A driver who passes every rule: active, licensed, trained, available every day."""
    driver = DriverFactory(dsp=dsp, **kwargs)
    available_every_day(driver)
    trained(driver, *modules)
    return driver


def test_a_ready_driver_is_assignable_with_their_shift(db):
    # given
    module = TrainingModuleFactory()
    driver = _ready_driver(DspFactory(), module)
    on = driver.dsp.station.today()
    # when
    found = list(drivers_assignable(dsp=driver.dsp, on=on))
    # then
    assert found == [driver]
    assert (found[0].shift_start, found[0].shift_end) == (time(8, 0), time(18, 0))
    assert found[0].shift_hours == Decimal("10.00")
    assert driver_unassignable_reasons(driver=driver, on=on) == []


def test_another_dsps_driver_is_not_listed(db):
    module = TrainingModuleFactory()
    mine = _ready_driver(DspFactory(), module)
    _ready_driver(DspFactory(), module)
    assert list(drivers_assignable(dsp=mine.dsp, on=mine.dsp.station.today())) == [mine]


def test_only_active_drivers_are_assignable(db):
    module = TrainingModuleFactory()
    dsp = DspFactory()
    active = _ready_driver(dsp, module)
    on_leave = _ready_driver(dsp, module, status=Driver.Status.ON_LEAVE)
    _ready_driver(dsp, module, status=Driver.Status.TERMINATED)
    on = dsp.station.today()
    assert list(drivers_assignable(dsp=dsp, on=on)) == [active]
    assert driver_unassignable_reasons(driver=on_leave, on=on) == [
        f"{on_leave.full_name} is on leave."
    ]


def test_licence_counts_until_the_end_of_its_expiry_day(db):
    # given: one licence expires on the day, one expired the day before
    module = TrainingModuleFactory()
    dsp = DspFactory()
    on = dsp.station.today()
    last_day = _ready_driver(dsp, module, licence_expires_on=on)
    expired = _ready_driver(dsp, module, licence_expires_on=on - timedelta(days=1))
    # when / then
    assert list(drivers_assignable(dsp=dsp, on=on)) == [last_day]
    assert driver_unassignable_reasons(driver=expired, on=on) == [
        f"Licence expired on {on - timedelta(days=1):%Y-%m-%d}."
    ]
    # and on a later date the first one has expired too
    assert list(drivers_assignable(dsp=dsp, on=on + timedelta(days=1))) == []


def test_every_required_module_must_be_passed(db):
    # given: two driver modules; an owner module does not count for drivers
    safe, inspect = TrainingModuleFactory(title="Safe driving"), TrainingModuleFactory()
    TrainingModuleFactory(audience=Audience.OWNER)
    dsp = DspFactory()
    both = _ready_driver(dsp, safe, inspect)
    one = _ready_driver(dsp, safe)
    on = dsp.station.today()
    # then
    assert list(drivers_assignable(dsp=dsp, on=on)) == [both]
    assert driver_unassignable_reasons(driver=one, on=on) == [
        f"Training “{inspect.title}” is not passed yet."
    ]


def test_a_failed_attempt_does_not_count_as_done(db):
    module = TrainingModuleFactory(title="Package handling")
    dsp = DspFactory()
    driver = _ready_driver(dsp)
    CompletionFactory(driver=driver, module=module, score=50, passed=False)
    on = dsp.station.today()
    assert list(drivers_assignable(dsp=dsp, on=on)) == []
    assert driver_unassignable_reasons(driver=driver, on=on) == [
        "Training “Package handling” is not passed yet."
    ]


def test_a_pass_past_its_renewal_period_counts_as_not_done(db):
    # given: a 30-day module passed 31 days ago by one driver and 29 days ago by another
    module = TrainingModuleFactory(title="Safe driving", renewal_days=30)
    dsp = DspFactory()
    lapsed = _ready_driver(dsp)
    current = _ready_driver(dsp)
    trained(lapsed, module, days_ago=31)
    trained(current, module, days_ago=29)
    on = dsp.station.today()
    # then
    assert list(drivers_assignable(dsp=dsp, on=on)) == [current]
    assert driver_unassignable_reasons(driver=lapsed, on=on) == [
        "Training “Safe driving” is past its renewal date."
    ]
    status = training_status(audience=Audience.DRIVER, on=on, tz=dsp.station.tz, driver=lapsed)
    assert [row["state"] for row in status] == ["expired"]


def test_a_module_without_renewal_never_lapses(db):
    module = TrainingModuleFactory(renewal_days=None)
    driver = _ready_driver(DspFactory())
    trained(driver, module, days_ago=2000)
    assert list(drivers_assignable(dsp=driver.dsp, on=driver.dsp.station.today())) == [driver]


def test_a_retired_module_is_not_required(db):
    TrainingModuleFactory(is_active=False)
    driver = _ready_driver(DspFactory())
    assert list(drivers_assignable(dsp=driver.dsp, on=driver.dsp.station.today())) == [driver]


def test_a_pass_recorded_after_the_day_does_not_count_for_it(db):
    module = TrainingModuleFactory()
    driver = _ready_driver(DspFactory(), module)
    yesterday = driver.dsp.station.today() - timedelta(days=3)
    assert list(drivers_assignable(dsp=driver.dsp, on=yesterday)) == []


def test_the_weekly_pattern_decides_the_weekday(db):
    # given: a driver available Mondays only, 6:00–14:30
    module = TrainingModuleFactory()
    dsp = DspFactory()
    driver = DriverFactory(dsp=dsp)
    trained(driver, module)
    AvailabilityFactory(
        driver=driver, weekday=0, starts_at=time(6, 0), ends_at=time(14, 30), shift_hours="8.50"
    )
    AvailabilityFactory(driver=driver, weekday=1, available=False, starts_at=None, ends_at=None)
    today = dsp.station.today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7)
    # then
    found = list(drivers_assignable(dsp=dsp, on=monday))
    assert found == [driver] and found[0].shift_hours == Decimal("8.50")
    tuesday = monday + timedelta(days=1)
    wednesday = monday + timedelta(days=2)
    assert list(drivers_assignable(dsp=dsp, on=tuesday)) == []
    assert list(drivers_assignable(dsp=dsp, on=wednesday)) == []
    assert driver_unassignable_reasons(driver=driver, on=tuesday) == ["Not available on Tuesdays."]


def test_time_off_covers_its_first_and_last_day(db):
    module = TrainingModuleFactory()
    dsp = DspFactory()
    driver = _ready_driver(dsp, module)
    today = dsp.station.today()
    TimeOffFactory(
        driver=driver, starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=3)
    )
    assert list(drivers_assignable(dsp=dsp, on=today)) == [driver]
    for offset in (1, 2, 3):
        assert list(drivers_assignable(dsp=dsp, on=today + timedelta(days=offset))) == []
    assert list(drivers_assignable(dsp=dsp, on=today + timedelta(days=4))) == [driver]
    first, last = today + timedelta(days=1), today + timedelta(days=3)
    assert driver_unassignable_reasons(driver=driver, on=today + timedelta(days=2)) == [
        f"On time off from {first:%Y-%m-%d} to {last:%Y-%m-%d}."
    ]


def test_reasons_list_every_failing_rule(db):
    module = TrainingModuleFactory(title="Safe driving")
    dsp = DspFactory()
    on = dsp.station.today()
    driver = DriverFactory(
        dsp=dsp, status=Driver.Status.ON_LEAVE, licence_expires_on=on - timedelta(days=1)
    )
    reasons = driver_unassignable_reasons(driver=driver, on=on)
    assert reasons == [
        f"{driver.full_name} is on leave.",
        f"Licence expired on {on - timedelta(days=1):%Y-%m-%d}.",
        f"Not available on {on:%A}s.",
        f"Training “{module.title}” is not passed yet.",
    ]


def test_assignable_is_one_query(db, django_assert_num_queries):
    modules = [TrainingModuleFactory(), TrainingModuleFactory()]
    dsp = DspFactory()
    for _ in range(3):
        _ready_driver(dsp, *modules)
    on = dsp.station.today()
    dsp = type(dsp).objects.select_related("station").get(pk=dsp.pk)
    with django_assert_num_queries(2):  # the required modules, then the drivers
        assert len(list(drivers_assignable(dsp=dsp, on=on))) == 3


def test_licence_alerts_cover_thirty_days_and_expired_licences(db):
    member = MembershipFactory(role=Role.DISPATCHER)
    today = member.dsp.station.today()
    soon = DriverFactory(dsp=member.dsp, licence_expires_on=today + timedelta(days=30))
    expired = DriverFactory(dsp=member.dsp, licence_expires_on=today - timedelta(days=1))
    DriverFactory(dsp=member.dsp, licence_expires_on=today + timedelta(days=31))
    DriverFactory(
        dsp=member.dsp,
        licence_expires_on=today - timedelta(days=1),
        status=Driver.Status.TERMINATED,
        terminated_on=today,
    )
    DriverFactory(licence_expires_on=today)  # another DSP's
    assert list(licence_alerts(user=member.user, on=today)) == [expired, soon]


def test_owner_training_needs_a_current_pass_of_every_owner_module(db):
    module = TrainingModuleFactory(audience=Audience.OWNER)
    TrainingModuleFactory(audience=Audience.DRIVER)
    owner = MembershipFactory(role=Role.OWNER)
    on = owner.dsp.station.today()
    assert owner_training_done(dsp=owner.dsp, on=on) is False
    CompletionFactory(
        driver=None, user=owner.user, dsp=owner.dsp, module=module, score=50, passed=False
    )
    assert owner_training_done(dsp=owner.dsp, on=on) is False
    CompletionFactory(driver=None, user=owner.user, dsp=owner.dsp, module=module)
    assert owner_training_done(dsp=owner.dsp, on=on) is True


def test_jobs_created_counts_hires_and_active_headcount(db):
    member = MembershipFactory(role=Role.OWNER)
    today = member.dsp.station.today()
    DriverFactory(dsp=member.dsp, hired_on=today)
    DriverFactory(dsp=member.dsp, hired_on=today)
    DriverFactory(
        dsp=member.dsp,
        hired_on=today - timedelta(days=400),
        status=Driver.Status.TERMINATED,
        terminated_on=today,
    )
    DriverFactory(hired_on=today)  # another DSP's
    jobs = jobs_created(user=member.user, on=today)
    assert jobs["hires_total"] == 2
    assert jobs["active_total"] == 2
    assert jobs["hires_by_month"] == [
        {
            "month": today.replace(day=1),
            "dsp": member.dsp.name,
            "station": member.dsp.station.code,
            "hires": 2,
        }
    ]
    assert jobs["headcount_by_station"] == {member.dsp.station.code: 2}


def test_retention_gives_turnover_and_average_tenure(db):
    member = MembershipFactory(role=Role.OWNER)
    today = member.dsp.station.today()
    DriverFactory(dsp=member.dsp, hired_on=today - timedelta(days=100))
    DriverFactory(dsp=member.dsp, hired_on=today - timedelta(days=300))
    DriverFactory(
        dsp=member.dsp,
        hired_on=today - timedelta(days=260),
        status=Driver.Status.TERMINATED,
        terminated_on=today - timedelta(days=60),
    )
    DriverFactory(
        dsp=member.dsp,
        hired_on=today - timedelta(days=900),
        status=Driver.Status.TERMINATED,
        terminated_on=today - timedelta(days=500),
    )
    [row] = retention_by_dsp(user=member.user, on=today)
    assert (row["active"], row["employed"], row["left"]) == (2, 3, 1)
    assert row["turnover_pct"] == 33.3
    assert row["avg_tenure_days"] == round((100 + 300 + 200 + 400) / 4)


def test_compliance_rows_agree_with_the_selector(db):
    module = TrainingModuleFactory()
    member = MembershipFactory(role=Role.OWNER)
    ready = _ready_driver(member.dsp, module)
    untrained = _ready_driver(member.dsp)
    IncidentFactory(driver=untrained)
    IncidentFactory(driver=untrained, occurred_at=timezone.now() - datetime.timedelta(days=40))
    ApplicantFactory(dsp=member.dsp)
    rows = {
        r["driver"]: r for r in compliance_rows(user=member.user, on=member.dsp.station.today())
    }
    assert rows[ready]["assignable"] is True and rows[ready]["modules_done"] == 1
    assert rows[untrained]["assignable"] is False and rows[untrained]["modules_done"] == 0
    assert rows[untrained]["incidents_30d"] == 1
