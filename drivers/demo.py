"""Demo world: twenty-five drivers for the active DSP; the first one can sign in."""

from datetime import date, timedelta
from decimal import Decimal

from dsps.demo import DEMO_PASSWORD
from dsps.models import Membership, Role, User

from .models import Driver

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


def seed(world: dict) -> None:
    dsp = world["active_dsp"]
    today = date.today()
    for n, (first, last) in enumerate(zip(FIRST, LAST, strict=True), start=1):
        Driver.objects.get_or_create(
            dsp=dsp,
            licence_number=f"TX{40000000 + n}",
            defaults={
                "first_name": first,
                "last_name": last,
                "licence_expires_on": today + timedelta(days=200 + 37 * n),
                "hourly_rate": Decimal("20.50") + Decimal(n % 5),
                "hired_on": today - timedelta(days=30 * n),
            },
        )
    first_driver = Driver.objects.get(dsp=dsp, licence_number="TX40000001")
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
