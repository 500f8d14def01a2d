"""Every write about drivers: hiring, roster changes, training attempts, availability, safety."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import urlencode

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dsps.models import Dsp, Membership, Role, User
from dsps.services import audit_record
from dsps.tenancy import HIRE, require_dsp_power
from nextmile.uploads import safe_upload_name, validate_upload

from .models import (
    APPLICANT_NEXT_STAGES,
    Applicant,
    Audience,
    Driver,
    DriverDocument,
    QuizChoice,
    QuizQuestion,
    SafetyIncident,
    TimeOff,
    TrainingCompletion,
    TrainingModule,
    WeeklyAvailability,
)

NEXT_STAGES = APPLICANT_NEXT_STAGES


def _today(dsp: Dsp) -> date:
    return dsp.station.today()


def _licence_taken(dsp: Dsp, licence_number: str, *, exclude_driver: Driver | None = None):
    qs = Driver.objects.filter(dsp=dsp, licence_number__iexact=licence_number.strip())
    if exclude_driver is not None:
        qs = qs.exclude(pk=exclude_driver.pk)
    return qs.exists()


# --- Hiring ----------------------------------------------------------------------------------


@transaction.atomic
def applicant_create(
    *,
    dsp: Dsp,
    first_name: str,
    last_name: str,
    email: str,
    licence_number: str,
    licence_expires_on: date,
    licence_class: str = "C",
    phone: str = "",
    source: str = Applicant.Source.JOB_BOARD,
) -> Applicant:
    """Put a new applicant in the Applied column; only an active DSP may hire."""
    require_dsp_power(dsp, HIRE)
    applicant = Applicant(
        dsp=dsp,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        licence_number=licence_number.strip().upper(),
        licence_class=licence_class,
        licence_expires_on=licence_expires_on,
        source=source,
        stage_changed_at=timezone.now(),
    )
    applicant.full_clean()
    applicant.save()
    return applicant


@transaction.atomic
def applicant_move(
    *,
    applicant: Applicant,
    stage: str,
    hourly_rate: Decimal | None = None,
    base_url: str = "",
    by: User | None = None,
) -> Applicant:
    """Move an applicant to the next stage; hiring creates the driver and e-mails the invitation."""
    applicant = (
        Applicant.objects.select_for_update().select_related("dsp__station").get(pk=applicant.pk)
    )
    if stage not in Applicant.Stage.values:
        raise ValidationError({"stage": "Choose a hiring stage."})
    if stage not in NEXT_STAGES[applicant.stage]:
        current, wanted = applicant.get_stage_display(), Applicant.Stage(stage).label
        raise ValidationError({"stage": f"An applicant in “{current}” cannot move to “{wanted}”."})
    if stage == Applicant.Stage.HIRED:
        applicant.driver = _hire(applicant, hourly_rate=hourly_rate, base_url=base_url, by=by)
    applicant.stage = stage
    applicant.stage_changed_at = timezone.now()
    applicant.full_clean()
    applicant.save()
    return applicant


def _hire(
    applicant: Applicant, *, hourly_rate: Decimal | None, base_url: str, by: User | None = None
) -> Driver:
    dsp = applicant.dsp
    require_dsp_power(dsp, HIRE)
    today = _today(dsp)
    if applicant.licence_expires_on < today:
        raise ValidationError(
            {
                "licence_expires_on": f"The licence expired on {applicant.licence_expires_on}; "
                "a driver cannot be hired on an expired licence."
            }
        )
    if _licence_taken(dsp, applicant.licence_number):
        raise ValidationError(
            {
                "licence_number": f"Licence {applicant.licence_number} already belongs to a driver "
                "of this DSP."
            }
        )
    if User.objects.filter(email__iexact=applicant.email).exists():
        raise ValidationError(
            {"email": f"{applicant.email} already has a NextMile account; use another address."}
        )
    user = User(
        email=applicant.email,
        first_name=applicant.first_name,
        last_name=applicant.last_name,
        phone=applicant.phone,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership.objects.create(user=user, dsp=dsp, role=Role.DRIVER)
    audit_record(
        actor=by,
        verb="membership.granted",
        target=membership,
        dsp=dsp,
        data={"user": user.email, "role": str(Role.DRIVER), "previous": None},
    )
    driver = Driver(
        dsp=dsp,
        user=user,
        first_name=applicant.first_name,
        last_name=applicant.last_name,
        phone=applicant.phone,
        licence_number=applicant.licence_number,
        licence_class=applicant.licence_class,
        licence_expires_on=applicant.licence_expires_on,
        hired_on=today,
    )
    if hourly_rate is not None:
        driver.hourly_rate = hourly_rate
    driver.full_clean()
    try:
        with transaction.atomic():
            driver.save()
    except IntegrityError:  # another hire of the same licence committed first
        raise ValidationError(
            {
                "licence_number": f"Licence {driver.licence_number} already belongs to a driver "
                "of this DSP."
            }
        ) from None
    transaction.on_commit(lambda: driver_invite_send(driver=driver, base_url=base_url))
    return driver


def driver_invite_link(*, driver: Driver) -> str:
    """The one-time link where an invited driver sets a password (allauth's reset-from-key)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(driver.user),
            "key": default_token_generator.make_token(driver.user),
        },
    )
    # Once the password is set, straight to sign-in, and from there to the driver's home.
    return f"{path}?{urlencode({'next': reverse('account_login')})}"


def driver_invite_send(*, driver: Driver, base_url: str = "") -> None:
    """E-mail the driver their invitation with a link to set a password (used once)."""
    if driver.user is None:
        raise ValidationError({"user": "This driver has no sign-in to invite."})
    if driver.user.has_usable_password():
        raise ValidationError({"user": "This driver has already set a password."})
    link = driver_invite_link(driver=driver)
    if base_url and link.startswith("/"):
        link = base_url.rstrip("/") + link
    context = {"driver": driver, "link": link, "dsp": driver.dsp}
    send_mail(
        subject=f"{driver.dsp.name} invites you to NextMile",
        message=render_to_string("drivers/email/invite.txt", context),
        from_email=None,
        recipient_list=[driver.user.email],
    )


# --- Roster ----------------------------------------------------------------------------------

ROSTER_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "licence_number",
    "licence_class",
    "licence_expires_on",
    "status",
    "hourly_rate",
    "hired_on",
)


@transaction.atomic
def driver_update(*, driver: Driver, **changes) -> Driver:
    """Change a driver's roster record; terminating one dates it, reinstating clears the date."""
    driver = Driver.objects.select_for_update().select_related("dsp__station").get(pk=driver.pk)
    unknown = set(changes) - set(ROSTER_FIELDS)
    if unknown:
        raise ValueError(f"Not roster fields: {sorted(unknown)}")
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(driver, name, value)
    driver.licence_number = driver.licence_number.upper()
    if _licence_taken(driver.dsp, driver.licence_number, exclude_driver=driver):
        raise ValidationError(
            {
                "licence_number": f"Licence {driver.licence_number} already belongs to another "
                "driver of this DSP."
            }
        )
    if driver.status == Driver.Status.TERMINATED and driver.terminated_on is None:
        driver.terminated_on = _today(driver.dsp)
    elif driver.status != Driver.Status.TERMINATED:
        driver.terminated_on = None
    driver.full_clean()
    driver.save()
    if driver.user_id:
        # A driver who left keeps their history but can no longer sign in to the DSP.
        Membership.objects.filter(user_id=driver.user_id, role=Role.DRIVER).update(
            is_active=driver.status != Driver.Status.TERMINATED
        )
    return driver


@transaction.atomic
def driver_document_add(*, driver: Driver, kind: str, upload) -> DriverDocument:
    """Keep a checked file (PDF, PNG or JPEG by content, within the size limit) on the record."""
    if kind not in DriverDocument.Kind.values:
        raise ValidationError({"kind": "Choose the kind of document."})
    detected = validate_upload(upload, field="file")
    original = getattr(upload, "name", "") or ""
    upload.name = safe_upload_name(original, detected)
    document = DriverDocument(driver=driver, kind=kind, file=upload, original_name=original[:255])
    document.full_clean()
    document.save()
    return document


# --- Training --------------------------------------------------------------------------------

_QUESTION = re.compile(r"^\s*(?:Q:|\?)\s*(.+)$")
_CHOICE = re.compile(r"^\s*([*-])\s*(.+)$")


def parse_quiz(text: str) -> list[dict]:
    """Read a quiz written as `Q: question` lines followed by `* right` / `- wrong` choices."""
    questions: list[dict] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        if match := _QUESTION.match(line):
            questions.append({"text": match.group(1).strip(), "choices": []})
        elif (match := _CHOICE.match(line)) and questions:
            questions[-1]["choices"].append(
                {"text": match.group(2).strip(), "is_correct": match.group(1) == "*"}
            )
        else:
            raise ValidationError(
                {
                    "quiz": f"Line {number}: start a question with “Q:” and each choice with “*” "
                    "(right) or “-” (wrong)."
                }
            )
    if not questions:
        raise ValidationError({"quiz": "Write at least one question."})
    for q in questions:
        if len(q["choices"]) < 2:
            raise ValidationError({"quiz": f"“{q['text']}” needs at least two choices."})
        if sum(c["is_correct"] for c in q["choices"]) != 1:
            raise ValidationError({"quiz": f"“{q['text']}” needs exactly one right choice (*)."})
    return questions


def format_quiz(module: TrainingModule) -> str:
    lines = []
    for q in module.questions.prefetch_related("choices"):
        lines.append(f"Q: {q.text}")
        lines += [f"{'*' if c.is_correct else '-'} {c.text}" for c in q.choices.all()]
        lines.append("")
    return "\n".join(lines).strip()


@transaction.atomic
def training_module_save(
    *,
    slug: str,
    title: str,
    content: str,
    quiz: str | list[dict],
    audience: str = Audience.DRIVER,
    pass_mark: int = 80,
    renewal_days: int | None = None,
    summary: str = "",
    position: int = 0,
    is_active: bool = True,
) -> TrainingModule:
    """Create or replace a module (by slug) with its quiz; earlier completions keep counting."""
    questions = parse_quiz(quiz) if isinstance(quiz, str) else quiz
    module = TrainingModule.objects.filter(slug=slug).first() or TrainingModule(slug=slug)
    for name, value in {
        "title": title,
        "content": content,
        "audience": audience,
        "pass_mark": pass_mark,
        "renewal_days": renewal_days,
        "summary": summary,
        "position": position,
        "is_active": is_active,
    }.items():
        setattr(module, name, value)
    module.full_clean()
    module.save()
    module.questions.all().delete()
    for qn, q in enumerate(questions):
        question = QuizQuestion.objects.create(module=module, text=q["text"], position=qn)
        QuizChoice.objects.bulk_create(
            QuizChoice(question=question, text=c["text"], is_correct=c["is_correct"], position=cn)
            for cn, c in enumerate(q["choices"])
        )
    return module


def _audience_of(user) -> tuple[str | None, Dsp | None, Driver | None]:
    membership = Membership.objects.select_related("dsp").filter(user=user, is_active=True).first()
    if membership is None or membership.dsp is None:
        return None, None, None
    if membership.role == Role.DRIVER:
        return Audience.DRIVER, membership.dsp, Driver.objects.filter(user=user).first()
    if membership.role == Role.OWNER:
        return Audience.OWNER, membership.dsp, None
    return None, membership.dsp, None


@transaction.atomic
def training_attempt_record(
    *, user, module: TrainingModule, answers: dict[int, int], at: datetime | None = None
) -> TrainingCompletion:
    """Score one quiz attempt and record it, passed or not; only enrolled people may take it."""
    audience, dsp, driver = _audience_of(user)
    if audience is None or module.audience != audience or not module.is_active:
        raise ValidationError({"module": f"You are not enrolled in “{module.title}”."})
    if audience == Audience.DRIVER and driver is None:
        raise ValidationError({"module": "Your sign-in has no driver record."})
    questions = list(module.questions.prefetch_related("choices"))
    answers = {int(k): int(v) for k, v in (answers or {}).items()}
    unknown = set(answers) - {q.pk for q in questions}
    if unknown:
        raise ValidationError({"answers": "An answer names a question that is not in this quiz."})
    missing = [q.text for q in questions if q.pk not in answers]
    if missing:
        raise ValidationError({"answers": f"Answer every question (missing: {missing[0]})."})
    correct = 0
    for q in questions:
        choices = {c.pk: c for c in q.choices.all()}
        if answers[q.pk] not in choices:
            raise ValidationError({"answers": f"That choice is not an answer to “{q.text}”."})
        correct += choices[answers[q.pk]].is_correct
    score = round(100 * correct / len(questions)) if questions else 100
    completion = TrainingCompletion(
        dsp=dsp,
        user=user,
        driver=driver,
        module=module,
        score=score,
        passed=score >= module.pass_mark,
        completed_at=at or timezone.now(),
    )
    completion.full_clean()
    completion.save()
    return completion


# --- Availability ----------------------------------------------------------------------------


@transaction.atomic
def availability_set(
    *, driver: Driver, weekday: int, available: bool, starts_at: time | None, ends_at: time | None
) -> WeeklyAvailability:
    """Set one weekday of the driver's usual week."""
    row = WeeklyAvailability.objects.filter(driver=driver, weekday=weekday).first()
    row = row or WeeklyAvailability(driver=driver, weekday=weekday)
    row.available, row.starts_at, row.ends_at = available, starts_at, ends_at
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def availability_set_week(*, driver: Driver, days: dict[int, dict]) -> list[WeeklyAvailability]:
    """Set several weekdays at once; one bad day saves none (the error names the day)."""
    rows = []
    for weekday, values in sorted(days.items()):
        try:
            rows.append(availability_set(driver=driver, weekday=weekday, **values))
        except ValidationError as error:
            day = dict(WeeklyAvailability.WEEKDAYS)[weekday]
            raise ValidationError(
                {
                    f"{k}_{weekday}": [f"{day}: {m}" for m in v]
                    for k, v in error.message_dict.items()
                }
            ) from None
    return rows


@transaction.atomic
def time_off_add(*, driver: Driver, starts_on: date, ends_on: date, reason: str = "") -> TimeOff:
    """Record dated time off; one that ends before it starts is refused."""
    time_off = TimeOff(driver=driver, starts_on=starts_on, ends_on=ends_on, reason=reason.strip())
    time_off.full_clean()
    time_off.save()
    return time_off


# --- Safety ----------------------------------------------------------------------------------


@transaction.atomic
def safety_incident_record(
    *,
    driver: Driver,
    kind: str,
    occurred_at: datetime,
    severity: str = SafetyIncident.Severity.LOW,
    notes: str = "",
    route_ref: str = "",
) -> SafetyIncident:
    """Put a safety or conduct event on a driver's record."""
    if occurred_at and occurred_at > timezone.now():
        raise ValidationError({"occurred_at": "An incident cannot be in the future."})
    incident = SafetyIncident(
        driver=driver,
        kind=kind,
        occurred_at=occurred_at,
        severity=severity,
        notes=notes.strip(),
        route_ref=route_ref.strip(),
    )
    incident.full_clean()
    try:
        with transaction.atomic():
            incident.save()
    except IntegrityError:  # pragma: no cover - full_clean mirrors the constraints
        raise ValidationError({"kind": "The incident could not be recorded."}) from None
    return incident
