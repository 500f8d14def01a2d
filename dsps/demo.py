"""Demo world, part one: a station in Dallas, program staff, three DSPs and their owners."""

from datetime import time

from .models import Dsp, Membership, Role, Station, Territory, User

DEMO_PASSWORD = "nextmile-demo"

STATION = {
    "code": "DDA1",
    "name": "Dallas Central",
    "address": "1900 Irving Blvd, Dallas, TX 75207",
    "latitude": "32.789800",
    "longitude": "-96.828400",
    "timezone": "America/Chicago",
    "opens_at": time(7, 0),
    "closes_at": time(21, 0),
}

DSPS = [
    ("lone-star", "Lone Star Last Mile", "Lone Star Last Mile LLC", Dsp.Status.ACTIVE),
    ("trinity", "Trinity Parcel Co", "Trinity Parcel Company Inc", Dsp.Status.APPLYING),
    ("bluebonnet", "Bluebonnet Express", "Bluebonnet Express LLC", Dsp.Status.REJECTED),
]

# Oak Lawn and Uptown, north of the station: a square of roughly 5 km.
LONE_STAR_TERRITORY = [
    [-96.842, 32.790],
    [-96.790, 32.790],
    [-96.790, 32.835],
    [-96.842, 32.835],
    [-96.842, 32.790],
]
OPEN_TERRITORY = [
    [-96.842, 32.745],
    [-96.790, 32.745],
    [-96.790, 32.789],
    [-96.842, 32.789],
    [-96.842, 32.745],
]


def _user(email: str, first: str, last: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _member(user: User, role: str, dsp: Dsp | None) -> None:
    Membership.objects.get_or_create(user=user, defaults={"role": role, "dsp": dsp})


def seed(world: dict) -> None:
    station, _ = Station.objects.get_or_create(code=STATION["code"], defaults=STATION)
    world["station"] = station

    staff = _user("staff@nextmile.example", "Pat", "Program")
    _member(staff, Role.PROGRAM_STAFF, None)
    world["sign_ins"].append(("program staff", staff.email, DEMO_PASSWORD))

    for code, name, legal, status in DSPS:
        dsp, _ = Dsp.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "legal_name": legal,
                "station": station,
                "status": status,
                "contact_email": f"owner@{code}.example",
                "planned_routes_per_day": 20 if status == Dsp.Status.ACTIVE else 0,
            },
        )
        owner = _user(f"owner@{code}.example", "Owner", name.split()[0])
        _member(owner, Role.OWNER, dsp)
        world.setdefault("dsps", {})[code] = dsp

    active = world["dsps"]["lone-star"]
    world["active_dsp"] = active
    world["sign_ins"].append(("DSP owner", "owner@lone-star.example", DEMO_PASSWORD))
    dispatcher = _user("dispatch@lone-star.example", "Dana", "Dispatch")
    _member(dispatcher, Role.DISPATCHER, active)
    world["sign_ins"].append(("dispatcher", dispatcher.email, DEMO_PASSWORD))

    Territory.objects.get_or_create(
        station=station,
        code="DDA1-01",
        defaults={
            "name": "Oak Lawn / Uptown",
            "boundary": {"type": "Polygon", "coordinates": [LONE_STAR_TERRITORY]},
            "postal_codes": ["75219", "75204"],
            "dsp": active,
        },
    )
    Territory.objects.get_or_create(
        station=station,
        code="DDA1-02",
        defaults={
            "name": "Design District / Cedars",
            "boundary": {"type": "Polygon", "coordinates": [OPEN_TERRITORY]},
            "postal_codes": ["75207", "75215"],
        },
    )
