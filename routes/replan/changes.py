"""What an applied re-plan changed on a route, as facts: the domain stores these, the pages
word them (`routes/web/views/changes.py`). A fact round-trips through JSON unchanged."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum

from routes.replan.proposals import aware_from_iso, reason_label


class FactCode(StrEnum):
    DISRUPTION = "disruption"  # reason: the disruption's kind; note: what dispatch wrote
    NEW_ORDER = "new_order"  # order: the remaining stops' addresses in their new order
    MOVED_IN = "moved_in"  # stop came to this route from `from_route`
    HANDED_OFF = "handed_off"  # stop left this route for `to_route`
    MEET = "meet"  # meet `to_route` (the other route) at `at` to hand over `stops` stops
    NOT_FITTED = "not_fitted"  # stop could not be placed; it stays last
    RETIMED = "retimed"  # nothing moved; arrival times are updated
    NOTE = "note"  # free text kept from before facts were stored


@dataclass(frozen=True)
class ChangeFact:
    code: FactCode
    stop: str = ""  # the stop's address
    from_route: str = ""  # route codes
    to_route: str = ""
    old_eta: datetime | None = None
    new_eta: datetime | None = None
    reason: str = ""  # a Disruption.Kind value
    note: str = ""
    order: tuple[str, ...] = ()
    at: tuple[float, float] | None = None  # (lat, lon) of a meeting point
    stops: int = 0
    detour_min: int = 0
    handover_min: int = 0
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """Only the fields set, times as ISO 8601."""
        out = {}
        for key, value in asdict(self).items():
            if value in ("", None, (), 0, {}):
                continue
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[key] = str(value) if key == "code" else value
        out["code"] = str(self.code)
        return out

    @classmethod
    def from_json(cls, data: dict) -> ChangeFact:
        values = dict(data)
        values["code"] = FactCode(values["code"])
        for key, what in (("old_eta", "change's old arrival"), ("new_eta", "change's new arrival")):
            values[key] = aware_from_iso(values.get(key), what)
        if "order" in values:
            values["order"] = tuple(values["order"])
        if values.get("at"):
            values["at"] = tuple(values["at"])
        return cls(**values)

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)


def facts_of(rows: list[dict]) -> list[ChangeFact]:
    return [ChangeFact.from_json(row) for row in rows]
