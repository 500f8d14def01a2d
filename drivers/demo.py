"""Demo world: the curriculum, twenty-five drivers (the first can sign in), hiring and safety."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from dsps.demo import DEMO_PASSWORD
from dsps.models import Membership, Role, User

from .curriculum import seed_curriculum
from .models import (
    Applicant,
    Audience,
    Driver,
    SafetyIncident,
    TimeOff,
    TrainingCompletion,
    WeeklyAvailability,
)

FIRST = [
    "Maria",
    "James",
    "Aaliyah",
    "Carlos",
    "Emily",
    "DeShawn",
    "Priya",
    "Luis",
    "Hannah",
    "Marcus",
    "Sofia",
    "Tyler",
    "Grace",
    "Andre",
    "Nadia",
    "Kevin",
    "Rosa",
    "Brandon",
    "Mei",
    "Jamal",
    "Olivia",
    "Diego",
    "Fatima",
    "Ethan",
    "Lena",
]
LAST = [
    "Garcia",
    "Johnson",
    "Williams",
    "Martinez",
    "Brown",
    "Davis",
    "Patel",
    "Hernandez",
    "Miller",
    "Wilson",
    "Lopez",
    "Anderson",
    "Thomas",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Chen",
    "Walker",
    "Young",
    "Allen",
    "Khan",
    "King",
    "Scott",
]


APPLICANTS = [
    ("Jordan", "Reyes", "applied", "job_board"),
    ("Ava", "Nguyen", "applied", "referral"),
    ("Samuel", "Ortiz", "interviewed", "website"),
    ("Chloe", "Bennett", "interviewed", "job_board"),
    ("Isaac", "Morgan", "offered", "referral"),
    ("Zoe", "Foster", "declined", "walk_in"),
]
INCIDENTS = [
    (4, "speeding", "low", 3, "14 mph over on Harry Hines Blvd."),
    (9, "harsh_braking", "low", 8, ""),
    (13, "seatbelt", "medium", 12, "Seatbelt off between two stops."),
    (17, "customer_complaint", "low", 20, "Package left at the wrong door."),
    (4, "harsh_braking", "low", 25, ""),
]


def _at(station, day, hour=9):
    return datetime.combine(day, time(hour, 0), tzinfo=station.tz)


def seed(world: dict) -> None:
    dsp = world["active_dsp"]
    station = dsp.station
    today = station.today()
    modules = seed_curriculum()
    driver_modules = [m for m in modules if m.audience == Audience.DRIVER]
    drivers = []
    for n, (first, last) in enumerate(zip(FIRST, LAST, strict=True), start=1):
        expires = today + timedelta(days=20 if n == 7 else 200 + 37 * n)
        driver, _ = Driver.objects.get_or_create(
            dsp=dsp,
            licence_number=f"TX{40000000 + n}",
            defaults={
                "first_name": first,
                "last_name": last,
                "phone": f"+1 214 555 {1000 + n:04d}",
                "licence_class": "C",
                "licence_expires_on": expires,
                "hourly_rate": Decimal("20.50") + Decimal(n % 5),
                "hired_on": today - timedelta(days=30 * n),
            },
        )
        drivers.append(driver)
    # Two drivers who left, so retention has something to say.
    for n, (first, last, days_hired, days_left) in enumerate(
        [("Noah", "Baker", 420, 90), ("Ivy", "Turner", 200, 30)], start=26
    ):
        Driver.objects.get_or_create(
            dsp=dsp,
            licence_number=f"TX{40000000 + n}",
            defaults={
                "first_name": first,
                "last_name": last,
                "licence_expires_on": today + timedelta(days=300),
                "status": Driver.Status.TERMINATED,
                "hired_on": today - timedelta(days=days_hired),
                "terminated_on": today - timedelta(days=days_left),
            },
        )
    first_driver = drivers[0]
    if first_driver.user_id is None:
        user, created = User.objects.get_or_create(
            email="driver@lone-star.example",
            defaults={"first_name": first_driver.first_name, "last_name": first_driver.last_name},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, defaults={"role": Role.DRIVER, "dsp": dsp})
        first_driver.user = user
        first_driver.save(update_fields=["user", "updated_at"])
    world["sign_ins"].append(("driver", "driver@lone-star.example", DEMO_PASSWORD))

    for n, driver in enumerate(drivers, start=1):
        _seed_week(driver, n)
        if not TrainingCompletion.objects.filter(driver=driver).exists():
            _seed_training(station, driver, n, driver_modules, today)
    TimeOff.objects.get_or_create(
        driver=drivers[11],
        starts_on=today + timedelta(days=10),
        defaults={"ends_on": today + timedelta(days=14), "reason": "Family visit"},
    )
    for n, kind, severity, days_ago, notes in INCIDENTS:
        SafetyIncident.objects.get_or_create(
            driver=drivers[n - 1],
            kind=kind,
            occurred_at=_at(station, today - timedelta(days=days_ago), 11),
            defaults={"severity": severity, "notes": notes},
        )
    owner = User.objects.filter(email=f"owner@{dsp.code}.example").first()
    owner_module = next(m for m in modules if m.audience == Audience.OWNER)
    if owner and not TrainingCompletion.objects.filter(user=owner).exists():
        TrainingCompletion.objects.create(
            dsp=dsp,
            user=owner,
            module=owner_module,
            score=100,
            passed=True,
            completed_at=_at(station, today - timedelta(days=60)),
        )
    _seed_applicants(dsp, today, drivers[-1])


def _seed_week(driver, n: int) -> None:
    # Most drivers work any day; every fourth driver has one fixed day off.
    start = time(7, 30) if n % 2 else time(8, 0)
    end = time(17, 30) if n % 2 else time(18, 0)
    for weekday in range(7):
        available = not (n % 4 == 0 and weekday == n % 7)
        row, created = WeeklyAvailability.objects.get_or_create(
            driver=driver,
            weekday=weekday,
            defaults={"available": available, "starts_at": start, "ends_at": end},
        )
        if created:
            row.full_clean()
            row.save()


def _seed_training(station, driver, n: int, modules, today) -> None:
    for i, module in enumerate(modules):
        days_ago = 10 + (n * 7 + i * 3) % 120
        if n == 5 and module.slug == "safe-driving":
            days_ago = 200  # past its 180-day renewal
        if n == 9 and module.slug == "vehicle-inspection":
            TrainingCompletion.objects.create(
                dsp=driver.dsp,
                driver=driver,
                user=driver.user,
                module=module,
                score=50,
                passed=False,
                completed_at=_at(station, today - timedelta(days=2)),
            )
            continue
        TrainingCompletion.objects.create(
            dsp=driver.dsp,
            driver=driver,
            user=driver.user,
            module=module,
            score=100 if (n + i) % 3 else 80,
            passed=True,
            completed_at=_at(station, today - timedelta(days=days_ago)),
        )


def _seed_applicants(dsp, today, hired_driver) -> None:
    for n, (first, last, stage, source) in enumerate(APPLICANTS, start=1):
        Applicant.objects.get_or_create(
            dsp=dsp,
            email=f"{first.lower()}.{last.lower()}@mail.example",
            defaults={
                "first_name": first,
                "last_name": last,
                "phone": f"+1 469 555 {2000 + n:04d}",
                "licence_number": f"TX{41000000 + n}",
                "licence_expires_on": today + timedelta(days=400 + 30 * n),
                "source": source,
                "stage": stage,
                "stage_changed_at": _at(dsp.station, today - timedelta(days=2 * n)),
            },
        )
    Applicant.objects.get_or_create(
        dsp=dsp,
        email="lena.scott@mail.example",
        defaults={
            "first_name": hired_driver.first_name,
            "last_name": hired_driver.last_name,
            "licence_number": hired_driver.licence_number,
            "licence_expires_on": hired_driver.licence_expires_on,
            "source": Applicant.Source.REFERRAL,
            "stage": Applicant.Stage.HIRED,
            "driver": hired_driver,
        },
    )
