"""Drivers' API: assignable drivers, hiring, training attempts, time off, incidents."""

import datetime
from datetime import timedelta

from django.core import mail

from drivers.models import Applicant, Audience, Driver, TimeOff, TrainingCompletion
from dsps.models import Role
from tests.drivers.factories import (
    ApplicantFactory,
    AvailabilityFactory,
    CompletionFactory,
    DriverFactory,
    TrainingModuleFactory,
    available_every_day,
    trained,
)
from tests.dsps.factories import MembershipFactory


def _driver_member():
    member = MembershipFactory(role=Role.DRIVER)
    return DriverFactory(dsp=member.dsp, user=member.user)


def test_assignable_drivers_come_with_their_shift(client, db):
    member = MembershipFactory(role=Role.DISPATCHER)
    module = TrainingModuleFactory()
    ready = DriverFactory(dsp=member.dsp)
    available_every_day(ready)
    trained(ready, module)
    DriverFactory(dsp=member.dsp)  # untrained, no availability
    client.force_login(member.user)
    on = member.dsp.station.today()
    response = client.get(f"/api/v1/drivers/assignable/?on={on.isoformat()}")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": ready.pk,
            "first_name": ready.first_name,
            "last_name": ready.last_name,
            "shift_start": "08:00:00",
            "shift_end": "18:00:00",
            "shift_hours": "10.00",
        }
    ]
    assert client.get("/api/v1/drivers/assignable/?on=someday").status_code == 400


def test_an_owner_adds_an_applicant_to_their_own_dsp(client, db):
    member = MembershipFactory(role=Role.OWNER)
    client.force_login(member.user)
    response = client.post(
        "/api/v1/applicants/",
        {
            "first_name": "Ada",
            "last_name": "Byron",
            "email": "ada@mail.test",
            "licence_number": "TX1",
            "licence_expires_on": "2030-01-01",
            "dsp": 999,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Applicant.objects.get().dsp == member.dsp


def test_drivers_may_not_see_or_add_applicants(client, db):
    driver = _driver_member()
    ApplicantFactory(dsp=driver.dsp)
    client.force_login(driver.user)
    assert client.get("/api/v1/applicants/").status_code == 403
    assert client.post("/api/v1/applicants/", {}).status_code == 403


def test_hiring_through_the_api(client, db, django_capture_on_commit_callbacks):
    member = MembershipFactory(role=Role.OWNER)
    applicant = ApplicantFactory(dsp=member.dsp, stage="offered")
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/applicant-moves/",
            {"applicant": applicant.pk, "stage": "hired", "hourly_rate": "23.00"},
            content_type="application/json",
        )
    assert response.status_code == 200
    driver = Driver.objects.get()
    assert response.json()["driver"] == driver.pk
    assert str(driver.hourly_rate) == "23.00"
    assert len(mail.outbox) == 1


def test_hiring_an_expired_licence_through_the_api_is_a_400(client, db):
    member = MembershipFactory(role=Role.OWNER)
    applicant = ApplicantFactory(
        dsp=member.dsp, stage="offered", licence_expires_on=datetime.date(2020, 1, 31)
    )
    client.force_login(member.user)
    response = client.post(
        "/api/v1/applicant-moves/",
        {"applicant": applicant.pk, "stage": "hired"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["licence_expires_on"]
    assert Driver.objects.count() == 0


def test_moving_another_dsps_applicant_is_a_404(client, db):
    applicant = ApplicantFactory(stage="applied")
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    response = client.post(
        "/api/v1/applicant-moves/",
        {"applicant": applicant.pk, "stage": "interviewed"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Applicant.objects.get(pk=applicant.pk).stage == "applied"


def test_modules_never_reveal_the_right_answer(client, db):
    module = TrainingModuleFactory()
    client.force_login(_driver_member().user)
    body = client.get(f"/api/v1/training-modules/{module.pk}/").json()
    assert [set(c) for c in body["questions"][0]["choices"]] == [{"id", "text"}, {"id", "text"}]


def test_a_driver_takes_a_quiz_through_the_api(client, db):
    module = TrainingModuleFactory()
    driver = _driver_member()
    question = module.questions.get()
    client.force_login(driver.user)
    response = client.post(
        "/api/v1/training-attempts/",
        {
            "module": module.pk,
            "answers": {str(question.pk): question.choices.get(is_correct=True).pk},
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["score"], response.json()["passed"]) == (100, True)
    listed = client.get("/api/v1/training-completions/").json()["results"]
    assert [c["module"] for c in listed] == [module.pk]


def test_a_quiz_for_a_module_the_driver_is_not_enrolled_in_is_a_400(client, db):
    module = TrainingModuleFactory(audience=Audience.OWNER)
    question = module.questions.get()
    client.force_login(_driver_member().user)
    response = client.post(
        "/api/v1/training-attempts/",
        {"module": module.pk, "answers": {str(question.pk): question.choices.first().pk}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["module"]
    assert TrainingCompletion.objects.count() == 0


def test_time_off_through_the_api(client, db):
    driver = _driver_member()
    client.force_login(driver.user)
    today = datetime.date.today()
    bad = client.post(
        "/api/v1/time-off/",
        {"driver": driver.pk, "starts_on": today, "ends_on": today - timedelta(days=1)},
        content_type="application/json",
    )
    assert bad.status_code == 400 and list(bad.json()) == ["ends_on"]
    colleague = DriverFactory(dsp=driver.dsp)
    foreign = client.post(
        "/api/v1/time-off/",
        {"driver": colleague.pk, "starts_on": today, "ends_on": today},
        content_type="application/json",
    )
    assert foreign.status_code == 404
    assert TimeOff.objects.count() == 0
    good = client.post(
        "/api/v1/time-off/",
        {"driver": driver.pk, "starts_on": today, "ends_on": today, "reason": "Dentist"},
        content_type="application/json",
    )
    assert good.status_code == 201
    assert list(TimeOff.objects.values_list("driver", "reason")) == [(driver.pk, "Dentist")]


def test_only_managers_record_incidents_through_the_api(client, db):
    driver = _driver_member()
    data = {"driver": driver.pk, "kind": "speeding", "occurred_at": "2026-01-05T10:00:00Z"}
    client.force_login(driver.user)
    assert (
        client.post("/api/v1/safety-incidents/", data, content_type="application/json").status_code
        == 403
    )
    owner = MembershipFactory(dsp=driver.dsp, role=Role.OWNER)
    client.force_login(owner.user)
    response = client.post("/api/v1/safety-incidents/", data, content_type="application/json")
    assert response.status_code == 201 and response.json()["kind"] == "speeding"


def test_a_driver_lists_only_their_own_training_and_availability(client, db):
    driver = _driver_member()
    colleague = DriverFactory(dsp=driver.dsp)
    mine = CompletionFactory(driver=driver)
    CompletionFactory(driver=colleague)
    own_day = AvailabilityFactory(driver=driver)
    AvailabilityFactory(driver=colleague)
    client.force_login(driver.user)
    completions = client.get("/api/v1/training-completions/").json()["results"]
    assert [c["id"] for c in completions] == [mine.pk]
    days = client.get("/api/v1/availability/").json()["results"]
    assert [d["id"] for d in days] == [own_day.pk]
