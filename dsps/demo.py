"""Demo world, part one: a station in Dallas, program staff, three DSPs and their owners,
their applications, territories (with who held what when) and a pending territory request."""

from datetime import time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from .models import (
    AuditEvent,
    Dsp,
    DspApplication,
    Membership,
    Role,
    Station,
    Territory,
    TerritoryHolding,
    TerritoryRequest,
    User,
)

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
# East Dallas / Lakewood: open, asked for by Lone Star.
EAST_TERRITORY = [
    [-96.789, 32.775],
    [-96.745, 32.775],
    [-96.745, 32.820],
    [-96.789, 32.820],
    [-96.789, 32.775],
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

    held, _ = Territory.objects.get_or_create(
        station=station,
        code="DDA1-01",
        defaults={
            "name": "Oak Lawn / Uptown",
            "boundary": {"type": "Polygon", "coordinates": [LONE_STAR_TERRITORY]},
            "postal_codes": ["75219", "75204"],
            "dsp": active,
        },
    )
    released, _ = Territory.objects.get_or_create(
        station=station,
        code="DDA1-02",
        defaults={
            "name": "Design District / Cedars",
            "boundary": {"type": "Polygon", "coordinates": [OPEN_TERRITORY]},
            "postal_codes": ["75207", "75215"],
        },
    )
    east, _ = Territory.objects.get_or_create(
        station=station,
        code="DDA1-03",
        defaults={
            "name": "East Dallas / Lakewood",
            "boundary": {"type": "Polygon", "coordinates": [EAST_TERRITORY]},
            "postal_codes": ["75206", "75214"],
        },
    )
    _seed_onboarding(world, staff, held, released, east)


def _pdf(title: str) -> ContentFile:
    body = f"%PDF-1.4\n% NextMile demo document: {title}\n%%EOF\n".encode()
    return ContentFile(body)


def _application(dsp: Dsp, status: str, staff: User, days_ago: int, **extra) -> DspApplication:
    existing = DspApplication.objects.filter(dsp=dsp).first()
    if existing:
        return existing
    owner = User.objects.get(email=f"owner@{dsp.code}.example")
    submitted = timezone.now() - timedelta(days=days_ago)
    application = DspApplication(
        dsp=dsp,
        applicant=owner,
        status=status,
        legal_name=dsp.legal_name,
        entity_type=DspApplication.EntityType.LLC,
        contact_name=owner.get_full_name(),
        contact_email=owner.email,
        contact_phone=f"+1 214 555 01{days_ago % 100:02d}",
        business_address="2500 Commerce St, Dallas, TX 75226",
        experience_years=4,
        experience="Ran a 12-van courier operation for a regional grocer; two years as a "
        "station dispatcher.",
        requested_station=dsp.station,
        planned_vans=20,
        planned_headcount=44,
        submitted_at=submitted,
        **extra,
    )
    application.insurance_certificate.save(
        f"{dsp.code}-insurance.pdf", _pdf("insurance certificate"), save=False
    )
    application.business_registration.save(
        f"{dsp.code}-registration.pdf", _pdf("business registration"), save=False
    )
    application.save()
    return application


def _event(actor, verb, target, dsp, reason="", when=None):
    if AuditEvent.objects.filter(
        verb=verb, target_type=target._meta.label_lower, target_id=str(target.pk)
    ).exists():
        return
    event = AuditEvent.objects.create(
        actor=actor,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        dsp=dsp,
        reason=reason,
    )
    if when:
        AuditEvent.objects.filter(pk=event.pk).update(created_at=when)


def _seed_onboarding(world, staff, held, released, east) -> None:
    now = timezone.now()
    active, applying, rejected = (world["dsps"][c] for c in ("lone-star", "trinity", "bluebonnet"))

    approved = _application(
        active,
        DspApplication.Status.APPROVED,
        staff,
        days_ago=200,
        decided_at=now - timedelta(days=190),
        decided_by=staff,
        documents_verified_at=now - timedelta(days=190),
    )
    _event(staff, "application.approved", approved, active, when=now - timedelta(days=190))
    _application(applying, DspApplication.Status.SUBMITTED, staff, days_ago=3)
    turned_down = _application(
        rejected,
        DspApplication.Status.REJECTED,
        staff,
        days_ago=40,
        decided_at=now - timedelta(days=33),
        decided_by=staff,
        reviewer_message="Commercial auto insurance lapsed twice in the last year.",
    )
    _event(
        staff,
        "application.rejected",
        turned_down,
        rejected,
        reason=turned_down.reviewer_message,
        when=now - timedelta(days=33),
    )

    # Lone Star held Design District for four months, then gave it back; it keeps Uptown.
    if not TerritoryHolding.objects.filter(territory=released).exists():
        TerritoryHolding.objects.create(
            territory=released,
            dsp=active,
            starts_at=now - timedelta(days=185),
            ends_at=now - timedelta(days=60),
            granted_by=staff,
            ended_by=staff,
            reason="Released at the DSP's request to focus on Uptown",
        )
    TerritoryHolding.objects.get_or_create(
        territory=held,
        ends_at=None,
        defaults={
            "dsp": active,
            "starts_at": now - timedelta(days=188),
            "granted_by": staff,
            "reason": "Application approved",
        },
    )
    owner = User.objects.get(email="owner@lone-star.example")
    TerritoryRequest.objects.get_or_create(
        dsp=active,
        territory=east,
        kind=TerritoryRequest.Kind.ACQUIRE,
        status=TerritoryRequest.Status.PENDING,
        defaults={
            "requested_by": owner,
            "note": "Five more vans arrive next month; we can cover Lakewood from week 2.",
        },
    )
