"""Drivers' pages: roles, tenancy, bad input shown on the named field, nothing saved."""

import datetime
from datetime import timedelta

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from drivers.models import (
    Applicant,
    Audience,
    Driver,
    DriverDocument,
    SafetyIncident,
    TimeOff,
    TrainingCompletion,
    TrainingModule,
    WeeklyAvailability,
)
from dsps.models import Role
from tests.drivers.factories import (
    ApplicantFactory,
    DriverFactory,
    IncidentFactory,
    TrainingModuleFactory,
    available_every_day,
    trained,
)
from tests.dsps.factories import MembershipFactory, StaffFactory


def _driver_member():
    member = MembershipFactory(role=Role.DRIVER)
    return DriverFactory(dsp=member.dsp, user=member.user)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Roster and home panels ------------------------------------------------------------------


def test_the_manager_panel_counts_assignable_drivers_and_alerts_licences(client, db):
    member = MembershipFactory(role=Role.DISPATCHER)
    today = member.dsp.station.today()
    module = TrainingModuleFactory()
    ready = DriverFactory(dsp=member.dsp)
    available_every_day(ready)
    trained(ready, module)
    DriverFactory(dsp=member.dsp, first_name="Soon", licence_expires_on=today + timedelta(days=5))
    client.force_login(member.user)
    response = client.get("/")
    panel = next(p for p in response.context["panels"] if p["name"] == "drivers")
    assert panel["assignable_today"] == 1
    assert [d.first_name for d in panel["licence_alerts"]] == ["Soon"]
    assert b"1</span> assignable today" in response.content


def test_a_driver_sees_their_training_to_do_on_the_home_page(client, db):
    driver = _driver_member()
    TrainingModuleFactory(title="Safe driving")
    TrainingModuleFactory(title="Running a DSP", audience=Audience.OWNER)
    client.force_login(driver.user)
    content = client.get("/").content.decode()
    assert "Safe driving" in content and "Running a DSP" not in content


def test_a_driver_sees_only_their_own_profile(client, db):
    driver = _driver_member()
    colleague = DriverFactory(dsp=driver.dsp)
    client.force_login(driver.user)
    assert client.get(reverse("drivers:me")).url == reverse("drivers:detail", args=[driver.pk])
    assert client.get(reverse("drivers:detail", args=[driver.pk])).status_code == 200
    assert client.get(reverse("drivers:detail", args=[colleague.pk])).status_code == 404
    assert client.get(reverse("drivers:list")).status_code == 403
    assert client.get(reverse("drivers:hiring")).status_code == 403


def test_a_driver_sees_their_own_incidents_only(client, db):
    driver = _driver_member()
    IncidentFactory(driver=driver, notes="Mine")
    IncidentFactory(driver=DriverFactory(dsp=driver.dsp), notes="Colleague's")
    client.force_login(driver.user)
    response = client.get("/api/v1/safety-incidents/")
    assert [i["notes"] for i in response.json()["results"]] == ["Mine"]


def test_roster_list_pins_its_queries(client, db, django_assert_max_num_queries):
    member = MembershipFactory(role=Role.OWNER)
    for _ in range(5):
        DriverFactory(dsp=member.dsp)
    client.force_login(member.user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("drivers:list")).status_code == 200


def test_editing_to_a_colleagues_licence_shows_the_error_and_saves_nothing(client, db):
    member = MembershipFactory(role=Role.OWNER)
    DriverFactory(dsp=member.dsp, licence_number="TX00000001")
    driver = DriverFactory(dsp=member.dsp, licence_number="TX00000002")
    client.force_login(member.user)
    data = {
        "first_name": driver.first_name,
        "last_name": driver.last_name,
        "status": "active",
        "licence_number": "TX00000001",
        "licence_class": "C",
        "licence_expires_on": driver.licence_expires_on.isoformat(),
        "hourly_rate": "21.00",
    }
    response = client.post(reverse("drivers:edit", args=[driver.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["licence_number"] == [
        "Licence TX00000001 already belongs to another driver of this DSP."
    ]
    assert Driver.objects.get(pk=driver.pk).licence_number == "TX00000002"


def test_time_off_ending_before_it_starts_is_refused_with_a_message(client, db):
    driver = _driver_member()
    client.force_login(driver.user)
    today = datetime.date.today()
    response = client.post(
        reverse("drivers:time-off-add", args=[driver.pk]),
        {"starts_on": today.isoformat(), "ends_on": (today - timedelta(days=2)).isoformat()},
        follow=True,
    )
    assert "Time off cannot end before it starts." in _messages(response)
    assert TimeOff.objects.count() == 0


def test_availability_errors_name_the_day(client, db):
    member = MembershipFactory(role=Role.OWNER)
    driver = DriverFactory(dsp=member.dsp)
    client.force_login(member.user)
    response = client.post(
        reverse("drivers:availability", args=[driver.pk]),
        {"available_0": "on", "starts_at_0": "18:00", "ends_at_0": "08:00"},
    )
    assert response.context["form"].errors["ends_at_0"] == [
        "Monday: The shift must end after it starts."
    ]
    assert WeeklyAvailability.objects.count() == 0


def test_a_pdf_document_is_uploaded_and_downloaded_by_its_owner_only(client, db):
    driver = _driver_member()
    client.force_login(driver.user)
    upload = SimpleUploadedFile("licence.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    client.post(
        reverse("drivers:document-add", args=[driver.pk]), {"kind": "licence", "file": upload}
    )
    document = DriverDocument.objects.get()
    response = client.get(reverse("drivers:document", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    client.force_login(
        DriverFactory(
            dsp=driver.dsp, user=MembershipFactory(dsp=driver.dsp, role=Role.DRIVER).user
        ).user
    )
    assert client.get(reverse("drivers:document", args=[document.pk])).status_code == 404


def test_a_document_that_is_not_a_pdf_or_image_is_refused(client, db):
    member = MembershipFactory(role=Role.OWNER)
    driver = DriverFactory(dsp=member.dsp)
    client.force_login(member.user)
    response = client.post(
        reverse("drivers:document-add", args=[driver.pk]),
        {"kind": "licence", "file": SimpleUploadedFile("x.pdf", b"#!/bin/sh\necho hi\n")},
        follow=True,
    )
    assert _messages(response) == [
        "The file is not a PDF, PNG, JPEG file (checked by its content)."
    ]
    assert DriverDocument.objects.count() == 0


def test_managers_record_incidents_and_drivers_cannot(client, db):
    member = MembershipFactory(role=Role.OWNER)
    driver = DriverFactory(dsp=member.dsp)
    data = {"kind": "speeding", "severity": "low", "occurred_at": "2026-01-05T10:00"}
    client.force_login(member.user)
    client.post(reverse("drivers:incident-add", args=[driver.pk]), data)
    assert SafetyIncident.objects.filter(driver=driver).count() == 1
    other = _driver_member()
    client.force_login(other.user)
    assert client.post(reverse("drivers:incident-add", args=[other.pk]), data).status_code == 403
    assert SafetyIncident.objects.count() == 1


# --- Hiring ----------------------------------------------------------------------------------


def test_the_board_shows_one_column_per_stage(client, db):
    member = MembershipFactory(role=Role.OWNER)
    ApplicantFactory(dsp=member.dsp, first_name="Ada", stage="interviewed")
    ApplicantFactory(first_name="Foreign")  # another DSP's
    client.force_login(member.user)
    response = client.get(reverse("drivers:hiring"))
    columns = {
        c["stage"]: [a.first_name for a in c["applicants"]] for c in response.context["columns"]
    }
    assert columns == {
        "applied": [],
        "interviewed": ["Ada"],
        "offered": [],
        "hired": [],
        "declined": [],
    }


def test_an_owner_adds_an_applicant(client, db):
    member = MembershipFactory(role=Role.OWNER)
    client.force_login(member.user)
    data = {
        "first_name": "Ada",
        "last_name": "Byron",
        "email": "ada@mail.test",
        "licence_number": "tx99",
        "licence_class": "C",
        "licence_expires_on": "2030-01-01",
        "source": "referral",
    }
    client.post(reverse("drivers:hiring"), data)
    applicant = Applicant.objects.get()
    assert (applicant.dsp, applicant.licence_number, applicant.stage) == (
        member.dsp,
        "TX99",
        "applied",
    )


def test_hiring_on_an_expired_licence_shows_why_and_changes_nothing(client, db):
    member = MembershipFactory(role=Role.OWNER)
    applicant = ApplicantFactory(
        dsp=member.dsp, stage="offered", licence_expires_on=datetime.date(2020, 1, 31)
    )
    client.force_login(member.user)
    response = client.post(
        reverse("drivers:applicant-move", args=[applicant.pk]), {"stage": "hired"}, follow=True
    )
    assert _messages(response) == [
        f"{applicant.full_name}: The licence expired on 2020-01-31; "
        "a driver cannot be hired on an expired licence."
    ]
    assert Applicant.objects.get(pk=applicant.pk).stage == "offered"
    assert (Driver.objects.count(), len(mail.outbox)) == (0, 0)


def test_staff_read_the_board_but_cannot_add_applicants(client, db):
    client.force_login(StaffFactory().user)
    assert client.get(reverse("drivers:hiring")).status_code == 200
    assert client.post(reverse("drivers:hiring"), {"first_name": "X"}).status_code == 403
    assert Applicant.objects.count() == 0


# --- Training --------------------------------------------------------------------------------


def test_a_module_renders_sanitised_markdown(client, db):
    module = TrainingModuleFactory(content="**Brake** gently.\n\n<script>alert(1)</script>")
    client.force_login(_driver_member().user)
    content = client.get(reverse("drivers:module", args=[module.pk])).content.decode()
    assert "<strong>Brake</strong> gently." in content
    assert "<script>alert(1)</script>" not in content


def test_a_failed_quiz_shows_the_score_and_records_the_attempt(client, db):
    module = TrainingModuleFactory(questions=2)
    driver = _driver_member()
    client.force_login(driver.user)
    q1, q2 = module.questions.all()
    response = client.post(
        reverse("drivers:module", args=[module.pk]),
        {
            f"q_{q1.pk}": q1.choices.get(is_correct=True).pk,
            f"q_{q2.pk}": q2.choices.get(is_correct=False).pk,
        },
    )
    assert "you scored 50% and need 80%" in response.content.decode()
    assert list(TrainingCompletion.objects.values_list("score", "passed")) == [(50, False)]


def test_a_quiz_for_a_module_the_driver_is_not_enrolled_in_saves_nothing(client, db):
    module = TrainingModuleFactory(audience=Audience.OWNER, title="Running a DSP")
    driver = _driver_member()
    client.force_login(driver.user)
    question = module.questions.get()
    response = client.post(
        reverse("drivers:module", args=[module.pk]),
        {f"q_{question.pk}": question.choices.get(is_correct=True).pk},
    )
    assert response.context["form"].non_field_errors() == [
        "You are not enrolled in “Running a DSP”."
    ]
    assert TrainingCompletion.objects.count() == 0


def test_staff_author_a_module_and_others_may_not(client, db):
    data = {
        "slug": "night-driving",
        "title": "Night driving",
        "audience": "driver",
        "pass_mark": 75,
        "renewal_days": 90,
        "position": 6,
        "is_active": "on",
        "content": "# Lights\nUse them.",
        "quiz": "Q: When are lights on?\n* After sunset\n- Never",
    }
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    assert client.post(reverse("drivers:training-author"), data).status_code == 403
    client.force_login(StaffFactory().user)
    response = client.post(reverse("drivers:training-author"), data)
    assert response.status_code == 302
    module = TrainingModule.objects.get()
    assert (module.title, module.pass_mark, module.renewal_days) == ("Night driving", 75, 90)
    assert [c.text for c in module.questions.get().choices.all()] == ["After sunset", "Never"]
    bad = client.post(reverse("drivers:training-author"), {**data, "quiz": "Q: Why?\n- a\n- b"})
    assert bad.context["form"].errors["quiz"] == ["“Why?” needs exactly one right choice (*)."]


def test_compliance_and_jobs_pages_show_the_dsps_figures(client, db):
    member = MembershipFactory(role=Role.OWNER)
    DriverFactory(dsp=member.dsp, first_name="Ada")
    DriverFactory(first_name="Foreign")
    client.force_login(member.user)
    compliance = client.get(reverse("drivers:compliance")).content.decode()
    assert "Ada" in compliance and "Foreign" not in compliance
    jobs = client.get(reverse("drivers:jobs"))
    assert jobs.context["jobs"]["active_total"] == 1


def test_an_invitation_can_be_sent_again_until_a_password_is_set(client, db):
    member = MembershipFactory(role=Role.OWNER)
    invited = MembershipFactory(dsp=member.dsp, role=Role.DRIVER).user
    invited.set_unusable_password()
    invited.save()
    driver = DriverFactory(dsp=member.dsp, user=invited)
    client.force_login(member.user)
    first = client.post(reverse("drivers:invite", args=[driver.pk]), follow=True)
    assert _messages(first) == [f"A new invitation went to {invited.email}."]
    assert [m.to for m in mail.outbox] == [[invited.email]]
    invited.set_password("now-set-123")
    invited.save()
    response = client.post(reverse("drivers:invite", args=[driver.pk]), follow=True)
    assert _messages(response) == ["This driver has already set a password."]
    assert len(mail.outbox) == 1


def test_program_staff_see_jobs_created_on_their_dashboard(client, db):
    DriverFactory()
    DriverFactory(status=Driver.Status.TERMINATED, terminated_on=datetime.date.today())
    client.force_login(StaffFactory().user)
    response = client.get("/")
    panel = next(p for p in response.context["panels"] if p["name"] == "jobs_created")
    assert (panel["jobs"]["active_total"], panel["jobs"]["hires_total"]) == (1, 2)
    assert b'id="panel-jobs"' in response.content


def test_board_and_compliance_pages_pin_their_queries(client, db, django_assert_max_num_queries):
    member = MembershipFactory(role=Role.OWNER)
    modules = [TrainingModuleFactory(), TrainingModuleFactory()]
    for n in range(6):
        ApplicantFactory(dsp=member.dsp, stage=["applied", "interviewed", "offered"][n % 3])
        driver = DriverFactory(dsp=member.dsp)
        available_every_day(driver)
        trained(driver, *modules)
    client.force_login(member.user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("drivers:hiring")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("drivers:compliance")).status_code == 200
