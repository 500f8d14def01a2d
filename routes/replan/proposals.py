"""A re-plan's proposal per route, as typed values with explicit JSON round-trips.

The proposal is stored as JSON on the job (`ReplanJob.proposal["routes"]`); these classes
are the one place that writes and reads a route's part of it, so no caller parses times out
of dict keys. Times are aware datetimes; a naive one is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def _aware(raw: str | None, what: str) -> datetime | None:
    if raw is None:
        return None
    at = datetime.fromisoformat(raw)
    if at.tzinfo is None:
        raise ValueError(f"The proposal's {what} has no time zone: {raw}.")
    return at


@dataclass(frozen=True)
class ProposedStop:
    """A stop in its new place: when the driver gets there, and the route it came from when
    it moves (None when it stays on its route)."""

    route_stop: int
    address: str
    eta: datetime
    from_route: int | None = None

    def to_json(self) -> dict:
        return {
            "route_stop": self.route_stop,
            "address": self.address,
            "eta": self.eta.isoformat(),
            "from_route": self.from_route,
        }

    @classmethod
    def from_json(cls, data: dict) -> ProposedStop:
        return cls(
            route_stop=int(data["route_stop"]),
            address=data["address"],
            eta=_aware(data["eta"], "arrival time"),
            from_route=data.get("from_route"),
        )


@dataclass(frozen=True)
class ProposedRoute:
    """One route's remaining stops before (`before`, route stop ids in order) and after the
    re-plan, and when it is back. `route` is None for a standby driver's new route until the
    proposal is applied."""

    route: int | None
    code: str
    before: tuple[int, ...]
    after: tuple[ProposedStop, ...]
    finish: datetime | None = None
    standby: bool = False

    def to_json(self) -> dict:
        data = {
            "route": self.route,
            "code": self.code,
            "before": list(self.before),
            "after": [s.to_json() for s in self.after],
            "finish": self.finish.isoformat() if self.finish else None,
        }
        if self.standby:
            data["standby"] = True
        return data

    @classmethod
    def from_json(cls, data: dict) -> ProposedRoute:
        return cls(
            route=data["route"],
            code=data["code"],
            before=tuple(int(pk) for pk in data["before"]),
            after=tuple(ProposedStop.from_json(s) for s in data["after"]),
            finish=_aware(data.get("finish"), "finish"),
            standby=bool(data.get("standby")),
        )

    @property
    def emptied(self) -> bool:
        """It had stops left and keeps none (a rescue took them all)."""
        return bool(self.before) and not self.after
