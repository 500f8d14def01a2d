"""Writes: hiring, roster, training attempts, availability, time off, incidents, documents."""

import datetime
import io
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from drivers.curriculum import CURRICULUM, seed_curriculum
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
from drivers.services import (
    applicant_move,
    availability_set,
    availability_set_week,
    driver_document_add,
    driver_update,
    parse_quiz,
    safety_incident_record,
    time_off_add,
    training_attempt_record,
    training_module_save,
)
from dsps.models import Membership, Role, User
from tests.drivers.factories import ApplicantFactory, DriverFactory, TrainingModuleFactory
from tests.dsps.factories import MembershipFactory


def _answers(module, right: bool = True) -> dict[int, int]:
    return {q.pk: q.choices.get(is_correct=right).pk for q in module.questions.all()}


# --- Hiring ----------------------------------------------------------------------------------


def test_moving_through_the_stages_in_order(db):
    applicant = ApplicantFactory()
    for stage in ("interviewed", "offered"):
        applicant = applicant_move(applicant=applicant, stage=stage)
    assert Applicant.objects.get(pk=applicant.pk).stage == "offered"


def test_skipping_a_stage_is_refused(db):
    applicant = ApplicantFactory()
    with pytest.raises(ValidationError) as error:
        applicant_move(applicant=applicant, stage="hired")
    assert error.value.message_dict == {
        "stage": ["An applicant in “Applied” cannot move to “Hired”."]
    }
    assert Applicant.objects.get(pk=applicant.pk).stage == "applied"
    assert Driver.objects.count() == 0


def test_hiring_creates_the_driver_sign_in_and_sends_the_invitation(
    db, django_capture_on_commit_callbacks
):
    # given
    applicant = ApplicantFactory(stage="offered", phone="+1 214 555 0101", licence_class="B")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        hired = applicant_move(
            applicant=applicant,
            stage="hired",
            hourly_rate=Decimal("22.75"),
            base_url="http://x.test/",
        )
    # then
    driver = hired.driver
    assert (driver.dsp, driver.first_name, driver.licence_number, driver.licence_class) == (
        applicant.dsp,
        applicant.first_name,
        applicant.licence_number,
        "B",
    )
    assert driver.hourly_rate == Decimal("22.75")
    assert driver.hired_on == applicant.dsp.station.today()
    assert driver.user.email == applicant.email
    assert driver.user.has_usable_password() is False
    membership = Membership.objects.get(user=driver.user)
    assert (membership.role, membership.dsp) == (Role.DRIVER, applicant.dsp)
    [message] = mail.outbox
    assert message.to == [applicant.email]
    assert "http://x.test/accounts/password/reset/key/" in message.body


def test_hiring_on_an_expired_licence_is_refused(db):
    applicant = ApplicantFactory(
        stage="offered", licence_expires_on=datetime.date.today() - timedelta(days=2)
    )
    with pytest.raises(ValidationError) as error:
        applicant_move(applicant=applicant, stage="hired")
    assert list(error.value.message_dict) == ["licence_expires_on"]
    assert "expired licence" in error.value.message_dict["licence_expires_on"][0]
    assert Applicant.objects.get(pk=applicant.pk).stage == "offered"
    assert (Driver.objects.count(), User.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_hiring_a_licence_already_on_the_roster_is_refused(db):
    existing = DriverFactory(licence_number="TX12345678")
    applicant = ApplicantFactory(dsp=existing.dsp, stage="offered", licence_number="TX12345678")
    with pytest.raises(ValidationError) as error:
        applicant_move(applicant=applicant, stage="hired")
    assert error.value.message_dict == {
        "licence_number": ["Licence TX12345678 already belongs to a driver of this DSP."]
    }
    assert Driver.objects.count() == 1
    assert User.objects.filter(email=applicant.email).exists() is False


def test_the_same_licence_may_drive_for_another_dsp(db):
    DriverFactory(licence_number="TX12345678")
    applicant = ApplicantFactory(stage="offered", licence_number="TX12345678")
    assert applicant_move(applicant=applicant, stage="hired").driver.licence_number == "TX12345678"


# --- Roster ----------------------------------------------------------------------------------


def test_changing_a_licence_number_to_a_colleagues_is_refused(db):
    first = DriverFactory(licence_number="TX00000001")
    second = DriverFactory(dsp=first.dsp, licence_number="TX00000002")
    with pytest.raises(ValidationError) as error:
        driver_update(driver=second, licence_number="tx00000001")
    assert list(error.value.message_dict) == ["licence_number"]
    assert Driver.objects.get(pk=second.pk).licence_number == "TX00000002"


def test_terminating_dates_the_departure_and_closes_the_sign_in(db):
    member = MembershipFactory(role=Role.DRIVER)
    driver = DriverFactory(dsp=member.dsp, user=member.user)
    driver = driver_update(driver=driver, status=Driver.Status.TERMINATED)
    assert driver.terminated_on == driver.dsp.station.today()
    assert Membership.objects.get(pk=member.pk).is_active is False
    driver = driver_update(driver=driver, status=Driver.Status.ACTIVE)
    assert driver.terminated_on is None
    assert Membership.objects.get(pk=member.pk).is_active is True


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_documents_are_checked_by_content(db):
    driver = DriverFactory()
    doc = driver_document_add(
        driver=driver, kind="licence", upload=SimpleUploadedFile("scan.png", _png())
    )
    assert doc.file.name.endswith(".png") and doc.original_name == "scan.png"
    with pytest.raises(ValidationError) as error:
        driver_document_add(
            driver=driver, kind="medical", upload=SimpleUploadedFile("card.pdf", b"MZ not a pdf")
        )
    assert list(error.value.message_dict) == ["file"]
    assert DriverDocument.objects.count() == 1


# --- Training --------------------------------------------------------------------------------


def _driver_user():
    member = MembershipFactory(role=Role.DRIVER)
    return DriverFactory(dsp=member.dsp, user=member.user)


def test_a_failed_quiz_is_recorded_with_its_score(db):
    module = TrainingModuleFactory(questions=2, pass_mark=80)
    driver = _driver_user()
    answers = _answers(module)
    answers[next(iter(answers))] = module.questions.first().choices.get(is_correct=False).pk
    completion = training_attempt_record(user=driver.user, module=module, answers=answers)
    assert (completion.score, completion.passed, completion.driver) == (50, False, driver)


def test_a_passed_quiz_records_the_pass(db):
    module = TrainingModuleFactory(questions=3)
    driver = _driver_user()
    completion = training_attempt_record(user=driver.user, module=module, answers=_answers(module))
    assert (completion.score, completion.passed, completion.dsp) == (100, True, driver.dsp)


def test_a_quiz_for_a_module_the_person_is_not_enrolled_in_is_refused(db):
    owner_module = TrainingModuleFactory(audience=Audience.OWNER, title="Running a DSP")
    driver = _driver_user()
    with pytest.raises(ValidationError) as error:
        training_attempt_record(
            user=driver.user, module=owner_module, answers=_answers(owner_module)
        )
    assert error.value.message_dict == {"module": ["You are not enrolled in “Running a DSP”."]}
    dispatcher = MembershipFactory(role=Role.DISPATCHER).user
    driver_module = TrainingModuleFactory()
    with pytest.raises(ValidationError):
        training_attempt_record(
            user=dispatcher, module=driver_module, answers=_answers(driver_module)
        )
    assert TrainingCompletion.objects.count() == 0


def test_answers_must_belong_to_the_quiz(db):
    module, other = TrainingModuleFactory(), TrainingModuleFactory()
    driver = _driver_user()
    with pytest.raises(ValidationError) as error:
        training_attempt_record(user=driver.user, module=module, answers=_answers(other))
    assert list(error.value.message_dict) == ["answers"]
    with pytest.raises(ValidationError) as error:
        training_attempt_record(user=driver.user, module=module, answers={})
    assert list(error.value.message_dict) == ["answers"]
    assert TrainingCompletion.objects.count() == 0


def test_owners_take_owner_modules(db):
    module = TrainingModuleFactory(audience=Audience.OWNER)
    owner = MembershipFactory(role=Role.OWNER)
    completion = training_attempt_record(user=owner.user, module=module, answers=_answers(module))
    assert (completion.user, completion.driver, completion.passed) == (owner.user, None, True)


def test_quiz_text_needs_one_right_choice_per_question(db):
    assert parse_quiz("Q: Why?\n* because\n- no") == [
        {
            "text": "Why?",
            "choices": [
                {"text": "because", "is_correct": True},
                {"text": "no", "is_correct": False},
            ],
        }
    ]
    with pytest.raises(ValidationError) as error:
        training_module_save(slug="x", title="X", content="x", quiz="Q: Why?\n- a\n- b")
    assert error.value.message_dict == {"quiz": ["“Why?” needs exactly one right choice (*)."]}
    assert TrainingModule.objects.count() == 0


def test_the_curriculum_seeds_once(db):
    seed_curriculum()
    seed_curriculum()
    assert TrainingModule.objects.count() == len(CURRICULUM)
    assert list(
        TrainingModule.objects.filter(audience=Audience.OWNER).values_list("title", flat=True)
    ) == ["Running a DSP: program standards"]
    for module in TrainingModule.objects.all():
        for question in module.questions.all():
            assert question.choices.filter(is_correct=True).count() == 1


# --- Availability, time off, incidents -------------------------------------------------------


def test_a_shift_records_its_length(db):
    row = availability_set(
        driver=DriverFactory(),
        weekday=2,
        available=True,
        starts_at=time(7, 30),
        ends_at=time(17, 45),
    )
    assert row.shift_hours == Decimal("10.25")


def test_a_shift_ending_before_it_starts_saves_no_day(db):
    driver = DriverFactory()
    with pytest.raises(ValidationError) as error:
        availability_set_week(
            driver=driver,
            days={
                0: {"available": True, "starts_at": time(8), "ends_at": time(16)},
                1: {"available": True, "starts_at": time(16), "ends_at": time(8)},
            },
        )
    assert error.value.message_dict == {
        "ends_at_1": ["Tuesday: The shift must end after it starts."]
    }
    assert WeeklyAvailability.objects.count() == 0


def test_time_off_ending_before_it_starts_is_refused(db):
    driver = DriverFactory()
    today = datetime.date.today()
    with pytest.raises(ValidationError) as error:
        time_off_add(driver=driver, starts_on=today, ends_on=today - timedelta(days=1))
    assert error.value.message_dict == {"ends_on": ["Time off cannot end before it starts."]}
    assert TimeOff.objects.count() == 0


def test_an_incident_in_the_future_is_refused(db):
    driver = DriverFactory()
    with pytest.raises(ValidationError) as error:
        safety_incident_record(
            driver=driver, kind="speeding", occurred_at=timezone.now() + timedelta(hours=1)
        )
    assert list(error.value.message_dict) == ["occurred_at"]
    incident = safety_incident_record(
        driver=driver,
        kind="seatbelt",
        severity="medium",
        occurred_at=timezone.now(),
        route_ref="R-12",
    )
    assert list(SafetyIncident.objects.values_list("kind", "route_ref")) == [("seatbelt", "R-12")]
    assert incident.driver == driver
