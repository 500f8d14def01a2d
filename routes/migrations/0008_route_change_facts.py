"""Re-plan changes become facts: each old English sentence is read back into the fact it
stated; a sentence that matches none is kept as a note."""

import re

from django.db import migrations, models

PATTERNS = [
    (re.compile(r"^New order of your remaining stops: (?P<order>.*)\.$"), "new_order"),
    (re.compile(r"^Stop (?P<stop>.+) moved to you from route (?P<from_route>.+)\.$"), "moved_in"),
    (re.compile(r"^Stop (?P<stop>.+) handed to route (?P<to_route>.+)\.$"), "handed_off"),
    (
        re.compile(r"^Stop (?P<stop>.+) could not be fitted; it stays last — call dispatch\.$"),
        "not_fitted",
    ),
    (re.compile(r"^Your stop order is unchanged; arrival times are updated\.$"), "retimed"),
    (
        re.compile(
            r"^Meet route (?P<to_route>\S+) at (?P<lat>-?[\d.]+), (?P<lon>-?[\d.]+) to hand over "
            r"(?P<stops>\d+) stop\(s\)\.(?: Your times include the (?P<detour_min>\d+) min detour "
            r"\((?P<handover_min>\d+) min handover\)\.)?$"
        ),
        "meet",
    ),
]
# Disruption.Kind labels as they were worded (a breakdown was never announced this way).
KINDS = {"Road closure": "closure", "Slowdown": "slowdown"}
DISRUPTION = re.compile(r"^(?P<what>.+?) on your way(?:: (?P<note>.*))?\.$")


def fact_of(line: str) -> dict:
    for pattern, code in PATTERNS:
        m = pattern.match(line)
        if not m:
            continue
        fact = {"code": code, **{k: v for k, v in m.groupdict().items() if v is not None}}
        if code == "new_order":
            fact["order"] = fact["order"].split(" → ")
        if code == "meet":
            fact["at"] = [float(fact.pop("lat")), float(fact.pop("lon"))]
            for key in ("stops", "detour_min", "handover_min"):
                if key in fact:
                    fact[key] = int(fact[key])
        return fact
    m = DISRUPTION.match(line)
    if m and m["what"] in KINDS:
        return {"code": "disruption", "reason": KINDS[m["what"]], "note": m["note"] or ""}
    return {"code": "note", "note": line}


def forwards(apps, schema_editor):
    RouteChange = apps.get_model("routes", "RouteChange")
    for change in RouteChange.objects.all().only("id", "lines"):
        change.facts = [fact_of(line) for line in change.lines]
        change.save(update_fields=["facts"])


def backwards(apps, schema_editor):
    RouteChange = apps.get_model("routes", "RouteChange")
    for change in RouteChange.objects.all().only("id", "facts"):
        change.lines = [f.get("note") or f["code"] for f in change.facts]
        change.save(update_fields=["lines"])


class Migration(migrations.Migration):
    dependencies = [("routes", "0007_merge_tracking_notices_and_unassigned_at")]

    operations = [
        migrations.AddField(
            model_name="routechange", name="facts", field=models.JSONField(default=list)
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="routechange", name="lines"),
    ]
