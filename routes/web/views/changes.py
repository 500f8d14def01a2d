"""A re-plan's facts worded for the driver (the domain stores facts: `routes/replan/changes.py`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from routes.replan.changes import ChangeFact, FactCode, facts_of


def _time(fact_eta, tz: ZoneInfo) -> str:
    return fact_eta.astimezone(tz).strftime("%H:%M")


def fact_line(fact: ChangeFact, tz: ZoneInfo) -> str:
    """One fact as the sentence the driver reads, times in the station's zone."""
    match fact.code:
        case FactCode.DISRUPTION:
            what = fact.reason_label or "A disruption"
            return f"{what} on your way{': ' + fact.note if fact.note else ''}."
        case FactCode.NEW_ORDER:
            return "New order of your remaining stops: " + " → ".join(fact.order) + "."
        case FactCode.MOVED_IN:
            line = f"Stop {fact.stop} moved to you from route {fact.from_route}"
            if fact.new_eta:
                line += f", due at {_time(fact.new_eta, tz)}"
            return line + "."
        case FactCode.HANDED_OFF:
            return f"Stop {fact.stop} handed to route {fact.to_route}."
        case FactCode.MEET:
            lat, lon = fact.at or (0.0, 0.0)
            line = (
                f"Meet route {fact.to_route} at {lat:.5f}, {lon:.5f} "
                f"to hand over {fact.stops} stop(s)."
            )
            if fact.detour_min:
                line += (
                    f" Your times include the {fact.detour_min} min detour "
                    f"({fact.handover_min} min handover)."
                )
            return line
        case FactCode.NOT_FITTED:
            return f"Stop {fact.stop} could not be fitted; it stays last — call dispatch."
        case FactCode.RETIMED:
            return "Your stop order is unchanged; arrival times are updated."
        case _:
            return fact.note


def change_lines(facts: list[dict], tz: ZoneInfo) -> list[str]:
    return [fact_line(fact, tz) for fact in facts_of(facts)]
