"""Reads of drivers, already scoped to the caller (or to the DSP a caller names explicitly)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dsps.models import Dsp, Membership, Role
from dsps.tenancy import dsp_of, scope_to_user

from .models import (
    LICENCE_ALERT_DAYS,
    Applicant,
    Audience,
    Driver,
    SafetyIncident,
    TimeOff,
    TrainingCompletion,
    TrainingModule,
    WeeklyAvailability,
)


def _local_midnight(day: date, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def today_for(user) -> date:
    """Today in the user's station's time zone (the server's zone for program staff)."""
    dsp = dsp_of(user)
    return dsp.station.today() if dsp else timezone.localdate()


# --- Roster ----------------------------------------------------------------------------------


def driver_list(*, user, status: str | None = None) -> QuerySet[Driver]:
    qs = scope_to_user(Driver.objects.all(), user).select_related("dsp", "user")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("last_name", "first_name")


def driver_status_counts(*, user) -> dict[str, int]:
    counts = dict(
        scope_to_user(Driver.objects.all(), user)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {label: counts.get(value, 0) for value, label in Driver.Status.choices}


def driver_for_user(*, user) -> Driver | None:
    """The signed-in driver's own record."""
    return Driver.objects.select_related("dsp__station").filter(user=user).first()


def driver_week(*, driver: Driver) -> QuerySet[WeeklyAvailability]:
    return WeeklyAvailability.objects.filter(driver=driver).order_by("weekday")


def driver_time_off_ahead(*, driver: Driver, on: date) -> QuerySet[TimeOff]:
    return TimeOff.objects.filter(driver=driver, ends_on__gte=on).order_by("starts_on")


def licence_alerts(*, user, on: date) -> QuerySet[Driver]:
    """Drivers still employed whose licence has expired or expires within 30 days of `on`."""
    return (
        scope_to_user(Driver.objects.all(), user)
        .exclude(status=Driver.Status.TERMINATED)
        .filter(licence_expires_on__lte=on + timedelta(days=LICENCE_ALERT_DAYS))
        .select_related("dsp")
        .order_by("licence_expires_on", "last_name")
    )


# --- Training --------------------------------------------------------------------------------


def required_modules(*, audience: str) -> list[TrainingModule]:
    return list(TrainingModule.objects.filter(audience=audience, is_active=True))


def _current_pass(module: TrainingModule, on: date, tz) -> Q:
    """Completions that make `module` done and current on `on` (renewal period counted)."""
    q = Q(module=module, passed=True, completed_at__lt=_local_midnight(on + timedelta(days=1), tz))
    if module.renewal_days:
        q &= Q(completed_at__gte=_local_midnight(on - timedelta(days=module.renewal_days), tz))
    return q


def training_status(
    *, audience: str, on: date, tz, driver: Driver | None = None, user=None
) -> list[dict]:
    """Each required module with the person's standing on `on`: done, expired, failed or to do."""
    modules = required_modules(audience=audience)
    completions = TrainingCompletion.objects.select_related("module").order_by("-completed_at")
    completions = completions.filter(driver=driver) if driver else completions.filter(user=user)
    by_module: dict[int, list[TrainingCompletion]] = defaultdict(list)
    for c in completions:
        by_module[c.module_id].append(c)
    rows = []
    for module in modules:
        attempts = by_module.get(module.pk, [])
        best = next((c for c in attempts if c.current_on(on, tz)), None)
        last_pass = next((c for c in attempts if c.passed), None)
        if best:
            state, label = "done", "Done"
        elif last_pass:
            state, label = "expired", "Renewal due"
        elif attempts:
            state, label = "failed", "Not passed yet"
        else:
            state, label = "todo", "To do"
        due = None
        if best and module.renewal_days:
            due = best.completed_at.astimezone(tz).date() + timedelta(days=module.renewal_days)
        rows.append(
            {
                "module": module,
                "state": state,
                "label": label,
                "last": attempts[0] if attempts else None,
                "passed": best,
                "renew_by": due,
            }
        )
    return rows


def modules_to_do(*, driver: Driver, on: date) -> list[dict]:
    rows = training_status(audience=Audience.DRIVER, on=on, tz=driver.dsp.station.tz, driver=driver)
    return [r for r in rows if r["state"] != "done"]


def training_module_list(*, user, audience: str | None = None) -> QuerySet[TrainingModule]:
    qs = scope_to_user(TrainingModule.objects.all(), user).annotate(n_questions=Count("questions"))
    if audience:
        qs = qs.filter(audience=audience, is_active=True)
    return qs.order_by("audience", "position", "title")


def owner_training_done(*, dsp: Dsp, on: date) -> bool:
    """Some owner of the DSP holds a current pass of every required owner module."""
    modules = required_modules(audience=Audience.OWNER)
    owners = Membership.objects.filter(dsp=dsp, role=Role.OWNER, is_active=True)
    tz = dsp.station.tz
    for owner in owners.select_related("user"):
        done = all(
            TrainingCompletion.objects.filter(_current_pass(m, on, tz), user=owner.user).exists()
            for m in modules
        )
        if done:
            return True
    return False


# --- Assignability ---------------------------------------------------------------------------


def drivers_assignable(*, dsp: Dsp, on: date) -> QuerySet[Driver]:
    """Drivers of `dsp` who may drive a route on `on`, with their shift that weekday.

    Active, licence valid on `on`, every required driver module passed and current on `on`,
    available that weekday and not on time off. Annotated with `shift_start`, `shift_end` and
    `shift_hours` (Decimal hours) from the weekly pattern.
    """
    tz = dsp.station.tz
    qs = Driver.objects.filter(
        dsp=dsp,
        status=Driver.Status.ACTIVE,
        licence_expires_on__gte=on,
        availability__weekday=on.weekday(),
        availability__available=True,
    ).annotate(
        shift_start=F("availability__starts_at"),
        shift_end=F("availability__ends_at"),
        shift_hours=F("availability__shift_hours"),
    )
    qs = qs.exclude(
        Exists(TimeOff.objects.filter(driver=OuterRef("pk"), starts_on__lte=on, ends_on__gte=on))
    )
    for module in required_modules(audience=Audience.DRIVER):
        qs = qs.filter(
            Exists(
                TrainingCompletion.objects.filter(
                    _current_pass(module, on, tz), driver=OuterRef("pk")
                )
            )
        )
    return qs.select_related("dsp", "user").order_by("last_name", "first_name")


def driver_unassignable_reasons(*, driver: Driver, on: date) -> list[str]:
    """Why `driver` cannot take a route on `on`, in plain sentences (empty when assignable)."""
    reasons = []
    if driver.status != Driver.Status.ACTIVE:
        reasons.append(f"{driver.full_name} is {driver.get_status_display().lower()}.")
    if driver.licence_expires_on < on:
        reasons.append(f"Licence expired on {driver.licence_expires_on:%Y-%m-%d}.")
    day = WeeklyAvailability.objects.filter(driver=driver, weekday=on.weekday()).first()
    weekday = on.strftime("%A")
    if day is None or not day.available:
        reasons.append(f"Not available on {weekday}s.")
    time_off = TimeOff.objects.filter(driver=driver, starts_on__lte=on, ends_on__gte=on).first()
    if time_off:
        reasons.append(
            f"On time off from {time_off.starts_on:%Y-%m-%d} to {time_off.ends_on:%Y-%m-%d}."
        )
    for row in training_status(
        audience=Audience.DRIVER, on=on, tz=driver.dsp.station.tz, driver=driver
    ):
        if row["state"] == "expired":
            reasons.append(f"Training “{row['module'].title}” is past its renewal date.")
        elif row["state"] != "done":
            reasons.append(f"Training “{row['module'].title}” is not passed yet.")
    return reasons


def assignable_for_user(*, user, on: date) -> QuerySet[Driver]:
    """The caller's DSP's assignable drivers (none for users without a DSP)."""
    dsp = dsp_of(user)
    if dsp is None:
        return Driver.objects.none()
    return scope_to_user(drivers_assignable(dsp=dsp, on=on), user)


# --- Hiring ----------------------------------------------------------------------------------


def applicant_board(*, user) -> list[dict]:
    """Applicants in one column per stage (declined last), oldest first."""
    applicants = scope_to_user(Applicant.objects.all(), user).select_related("dsp", "driver")
    columns = {value: [] for value in Applicant.Stage.values}
    for applicant in applicants.order_by("stage_changed_at", "id"):
        columns[applicant.stage].append(applicant)
    return [
        {"stage": value, "label": label, "applicants": columns[value]}
        for value, label in Applicant.Stage.choices
    ]


def jobs_created(*, user, on: date, months: int = 6) -> dict:
    """Jobs created for the program dashboard: hires per month by DSP and station, headcount."""
    drivers = scope_to_user(Driver.objects.all(), user)
    first_month = (on.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    hires = (
        drivers.filter(hired_on__gte=first_month, hired_on__lte=on)
        .annotate(month=TruncMonth("hired_on"))
        .values("month", "dsp__name", "dsp__station__code")
        .annotate(n=Count("id"))
        .order_by("month", "dsp__name")
    )
    headcount = (
        drivers.filter(status=Driver.Status.ACTIVE)
        .values("dsp__id", "dsp__name", "dsp__station__code")
        .annotate(n=Count("id"))
        .order_by("dsp__name")
    )
    by_station: dict[str, int] = defaultdict(int)
    for row in headcount:
        by_station[row["dsp__station__code"]] += row["n"]
    return {
        "hires_by_month": [
            {
                "month": row["month"],
                "dsp": row["dsp__name"],
                "station": row["dsp__station__code"],
                "hires": row["n"],
            }
            for row in hires
        ],
        "headcount_by_dsp": [
            {"dsp": row["dsp__name"], "station": row["dsp__station__code"], "active": row["n"]}
            for row in headcount
        ],
        "headcount_by_station": dict(sorted(by_station.items())),
        "hires_total": sum(row["n"] for row in hires),
        "active_total": sum(row["n"] for row in headcount),
    }


# --- Safety and compliance -------------------------------------------------------------------


def compliance_for(*, driver: Driver, on: date) -> dict:
    """One driver's licence, training and incidents of the last 30 days, with the verdict."""
    tz = driver.dsp.station.tz
    since = _local_midnight(on - timedelta(days=30), tz)
    return {
        "driver": driver,
        "licence_valid": driver.licence_valid_on(on),
        "licence_alert": driver.licence_alert_on(on),
        "training": training_status(audience=Audience.DRIVER, on=on, tz=tz, driver=driver),
        "incidents": list(
            SafetyIncident.objects.filter(driver=driver, occurred_at__gte=since).order_by(
                "-occurred_at"
            )
        ),
        "reasons": driver_unassignable_reasons(driver=driver, on=on),
    }


def compliance_rows(*, user, on: date) -> list[dict]:
    """Every employed driver the caller sees: licence, training, incidents, assignability."""
    drivers = list(
        scope_to_user(Driver.objects.all(), user)
        .exclude(status=Driver.Status.TERMINATED)
        .select_related("dsp__station")
        .order_by("dsp__name", "last_name", "first_name")
    )
    if not drivers:
        return []
    modules = required_modules(audience=Audience.DRIVER)
    ids = [d.pk for d in drivers]
    since = timezone.now() - timedelta(days=30)
    incidents = dict(
        SafetyIncident.objects.filter(driver_id__in=ids, occurred_at__gte=since)
        .values_list("driver_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    assignable: set[int] = set()
    for dsp in {d.dsp for d in drivers}:
        assignable |= set(drivers_assignable(dsp=dsp, on=on).values_list("pk", flat=True))
    passes: dict[int, set[int]] = defaultdict(set)
    for dsp in {d.dsp for d in drivers}:
        for module in modules:
            done = TrainingCompletion.objects.filter(
                _current_pass(module, on, dsp.station.tz), driver__dsp=dsp
            ).values_list("driver_id", flat=True)
            for driver_id in done:
                passes[driver_id].add(module.pk)
    return [
        {
            "driver": d,
            "licence_valid": d.licence_valid_on(on),
            "licence_alert": d.licence_alert_on(on),
            "modules_done": len(passes[d.pk]),
            "modules_total": len(modules),
            "incidents_30d": incidents.get(d.pk, 0),
            "assignable": d.pk in assignable,
        }
        for d in drivers
    ]


def retention_by_dsp(*, user, on: date) -> list[dict]:
    """Turnover over the last 12 months and average tenure, per DSP the caller sees."""
    window_start = on - timedelta(days=365)
    rows: dict[int, dict] = {}
    for d in scope_to_user(Driver.objects.all(), user).select_related("dsp"):
        row = rows.setdefault(
            d.dsp_id, {"dsp": d.dsp, "employed": 0, "left": 0, "active": 0, "tenures": []}
        )
        if d.status == Driver.Status.ACTIVE:
            row["active"] += 1
        if d.terminated_on is None or d.terminated_on >= window_start:
            row["employed"] += 1
        if d.terminated_on and window_start <= d.terminated_on <= on:
            row["left"] += 1
        tenure = d.tenure_days(on)
        if tenure is not None:
            row["tenures"].append(tenure)
    result = []
    for row in sorted(rows.values(), key=lambda r: r["dsp"].name):
        tenures = row.pop("tenures")
        row["turnover_pct"] = (
            round(100 * row["left"] / row["employed"], 1) if row["employed"] else 0
        )
        row["avg_tenure_days"] = round(sum(tenures) / len(tenures)) if tenures else None
        row["avg_tenure_months"] = (
            round(row["avg_tenure_days"] / 30.44, 1) if row["avg_tenure_days"] is not None else None
        )
        result.append(row)
    return result
