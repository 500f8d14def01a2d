"""The program's training curriculum: the modules every driver (and every DSP owner) passes.

`seed_curriculum()` writes them through the authoring service (by slug, so it is idempotent);
the demo calls it, and program staff can run it on a new installation before editing modules.
"""

from .models import Audience, TrainingModule
from .services import training_module_save

CURRICULUM = [
    {
        "slug": "driver-app-and-routes",
        "title": "Route optimisation tools and the driver app",
        "summary": "Read your route, follow the stop order, record every delivery.",
        "audience": Audience.DRIVER,
        "renewal_days": 365,
        "position": 1,
        "content": """
Your day's **route** is planned by the program's optimiser: it orders 150–250 stops so that the
van drives the fewest miles within each customer's time window.

## Before you leave the station
1. Open NextMile on your phone and check **Today**: route code, number of stops, your van.
2. Scan every package as you load it; a package you cannot find is reported *before* departure.

## On the road
- Follow the stop order. Skipping ahead breaks the time windows of the stops you passed.
- At each stop, record **delivered** (with a photo when asked) or a **failed attempt** with its
  reason. Never mark a package delivered before it is in the customer's hands or safe place.
- If you fall behind, tell dispatch early: a *rescue* driver can take stops off your route.
""",
        "quiz": """
Q: Why should you follow the planned stop order?
* Skipping ahead breaks the time windows of the stops you passed
- The app will not open the next stop otherwise
- It does not matter as long as every package is delivered
Q: When do you report a package you cannot find?
* Before leaving the station
- At the end of the day
- Only if the customer calls
Q: You are an hour behind. What do you do?
- Skip the last stops
* Tell dispatch early so a rescue can be arranged
- Drive faster
""",
    },
    {
        "slug": "package-handling",
        "title": "Package handling",
        "summary": "Load, carry and hand over packages without damage or loss.",
        "audience": Audience.DRIVER,
        "renewal_days": 365,
        "position": 2,
        "content": """
Packages are loaded **in stop order** on the shelves: first stops nearest the door.

- Lift with your legs, keep heavy packages low, never throw or drop a package.
- Keep the cargo door locked whenever you step away from the van.
- Damaged package? Photograph it and record it; do not deliver a package that is leaking.
- Signature-required and age-restricted packages are handed only to an adult who shows ID.
""",
        "quiz": """
Q: How are packages arranged on the shelves?
* In stop order, first stops nearest the door
- By size, biggest first
- Any order that fits
Q: A package is leaking. What do you do?
- Deliver it quickly
* Photograph and record it, and do not deliver it
- Leave it at the door
""",
    },
    {
        "slug": "customer-service",
        "title": "Customer service",
        "summary": "Courtesy at the door, safe places, and what to do when no one is home.",
        "audience": Audience.DRIVER,
        "renewal_days": 365,
        "position": 3,
        "content": """
You are the only person from the program most customers ever meet.

- Follow the **delivery notes** (gate codes, safe places) on each stop.
- No one home and no safe place? Record a failed attempt with the reason; the package comes back.
- Be polite, even when a customer is not. Report a dispute to dispatch instead of arguing.
- Never enter a home, and never leave packages in sight of the street.
""",
        "quiz": """
Q: No one is home and there is no safe place. What do you do?
* Record a failed attempt with its reason and bring the package back
- Leave it on the doorstep
- Give it to any neighbour
Q: A customer is angry about a late delivery. What do you do?
- Argue your case
* Stay polite and report it to dispatch
- Drive off
""",
    },
    {
        "slug": "safe-driving",
        "title": "Safe driving",
        "summary": "Speed, braking, seatbelts, backing up and phone use behind the wheel.",
        "audience": Audience.DRIVER,
        "renewal_days": 180,
        "position": 4,
        "content": """
Vans carry telematics: **speeding, harsh braking and seatbelt** events go on your record and on
your DSP's weekly scorecard.

- Wear your seatbelt every time the van moves, even between two houses.
- Keep to the limit and leave room to brake gently.
- Avoid backing up; when you must, check all around the van first.
- Your phone is mounted and used only when the van is parked.
""",
        "quiz": """
Q: When do you wear your seatbelt?
* Every time the van moves, even for a few metres
- Only on highways
- Only when the app reminds you
Q: When may you use the phone by hand?
- At red lights
* Only when the van is parked
- When the road is empty
Q: Which events go on your safety record?
* Speeding, harsh braking and seatbelt events
- Only accidents
- Nothing; telematics is for maintenance
""",
    },
    {
        "slug": "vehicle-inspection",
        "title": "Vehicle inspection (DVIC)",
        "summary": "The daily pre-trip and post-trip inspection of your van.",
        "audience": Audience.DRIVER,
        "renewal_days": 365,
        "position": 5,
        "content": """
Before load-out you inspect the van in the app (**DVIC**): tyres, lights, mirrors, brakes,
windscreen, fluids, doors.

- A failed **out-of-service** item (e.g. a flat tyre, failed brakes) grounds the van: do not drive
  it, tell dispatch, and you get another van.
- Other defects are recorded so the DSP can repair them.
- After the route, do the post-trip inspection before you hand the keys back.
""",
        "quiz": """
Q: The pre-trip inspection finds worn-out brakes. What happens?
* The van is grounded and you get another van
- You drive carefully
- You note it after the route
Q: When is the post-trip inspection done?
- Only once a week
* After the route, before handing back the keys
- Never, the pre-trip is enough
""",
    },
    {
        "slug": "running-a-dsp",
        "title": "Running a DSP: program standards",
        "summary": "What the program expects of a Delivery Service Partner's owner.",
        "audience": Audience.OWNER,
        "renewal_days": None,
        "position": 1,
        "content": """
As a DSP owner you employ your drivers, lease your vans through the program and deliver one
exclusive territory.

- **Safety first**: only licensed, trained drivers in inspected vans go on the road.
- **Scorecard**: delivery completion, on-time rate, safety events and customer feedback are
  measured weekly; tiers decide your incentive pay.
- **Capacity**: commit to the routes per day you can staff, with standby drivers for call-outs.
- **People**: pay at least the program's minimum rate, record time worked, coach with data.
""",
        "quiz": """
Q: Who may be assigned a route?
* Only licensed, trained drivers in inspected vans
- Any employee with a phone
- Anyone the dispatcher trusts
Q: How often is the scorecard measured?
- Monthly
* Weekly
- Yearly
""",
    },
]


def seed_curriculum() -> list[TrainingModule]:
    """Write the curriculum's modules (existing ones with the same slug are replaced)."""
    return [
        training_module_save(**{**module, "content": module["content"].strip()})
        for module in CURRICULUM
    ]
