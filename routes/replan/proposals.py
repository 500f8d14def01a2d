"""A re-plan's proposal, as typed values with explicit JSON round-trips.

The proposal is stored as JSON on the job (`ReplanJob.proposal`, also what the API shows);
these classes are the one place that writes and reads it, so no caller reads dict keys or
parses times. Times are aware datetimes; a naive one is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from routes.models import Disruption


def aware_from_iso(raw: str | None, what: str) -> datetime | None:
    """A stored ISO 8601 time as an aware datetime (None stays None); a naive one is refused,
    `what` naming it in the error ("proposal's finish")."""
    if not raw:
        return None
    at = datetime.fromisoformat(raw)
    if at.tzinfo is None:
        raise ValueError(f"The {what} has no time zone: {raw}.")
    return at


def reason_label(reason: str) -> str:
    """A re-plan's reason code (a `Disruption.Kind` value) as people read it; empty for none."""
    return Disruption.Kind(reason).label if reason else ""


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
            eta=aware_from_iso(data["eta"], "proposal's arrival time"),
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
            finish=aware_from_iso(data.get("finish"), "proposal's finish"),
            standby=bool(data.get("standby")),
        )

    @property
    def emptied(self) -> bool:
        """It had stops left and keeps none (a rescue took them all)."""
        return bool(self.before) and not self.after


@dataclass(frozen=True)
class Move:
    """A stop handed from one route to another (`to_route` None: a standby driver's new
    route, created when the proposal is applied): its arrival time before and after, and why
    (`reason`, a `Disruption.Kind` value; empty for a re-plan with no disruption). Proposals
    stored before the times and reason were kept read them as None and empty."""

    route_stop: int
    address: str
    from_route: int
    from_code: str
    to_route: int | None
    to_code: str
    old_eta: datetime | None = None
    new_eta: datetime | None = None
    reason: str = ""

    def to_json(self) -> dict:
        return {
            "route_stop": self.route_stop,
            "address": self.address,
            "from": self.from_route,
            "from_code": self.from_code,
            "to": self.to_route,
            "to_code": self.to_code,
            "old_eta": self.old_eta.isoformat() if self.old_eta else None,
            "new_eta": self.new_eta.isoformat() if self.new_eta else None,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: dict) -> Move:
        return cls(
            route_stop=int(data["route_stop"]),
            address=data["address"],
            from_route=int(data["from"]),
            from_code=data["from_code"],
            to_route=data.get("to"),
            to_code=data["to_code"],
            old_eta=aware_from_iso(data.get("old_eta"), "proposal's old arrival time"),
            new_eta=aware_from_iso(data.get("new_eta"), "proposal's new arrival time"),
            reason=data.get("reason", ""),
        )

    @property
    def reason_label(self) -> str:
        """The reason as people read it ("Vehicle breakdown / ..."), not its code."""
        return reason_label(self.reason)


@dataclass(frozen=True)
class Meet:
    """Two drivers meet at (`lat`, `lon`) to hand over `stops` stops; the receiver's times
    include a `detour_min` detour with a `handover_min` handover."""

    from_code: str
    to_code: str
    lat: float
    lon: float
    stops: int
    detour_min: int = 0
    handover_min: int = 0

    def to_json(self) -> dict:
        return {
            "from_code": self.from_code,
            "to_code": self.to_code,
            "lat": self.lat,
            "lon": self.lon,
            "stops": self.stops,
            "detour_min": self.detour_min,
            "handover_min": self.handover_min,
        }

    @classmethod
    def from_json(cls, data: dict) -> Meet:
        return cls(
            from_code=data["from_code"],
            to_code=data["to_code"],
            lat=float(data["lat"]),
            lon=float(data["lon"]),
            stops=int(data["stops"]),
            detour_min=int(data.get("detour_min", 0)),
            handover_min=int(data.get("handover_min", 0)),
        )

    def involves(self, code: str) -> bool:
        return code in (self.from_code, self.to_code)


@dataclass(frozen=True)
class DroppedStop:
    """A stop no route can take, with the solver's reason (a sentence)."""

    route_stop: int
    address: str
    reason: str

    def to_json(self) -> dict:
        return {"route_stop": self.route_stop, "address": self.address, "reason": self.reason}

    @classmethod
    def from_json(cls, data: dict) -> DroppedStop:
        return cls(int(data["route_stop"]), data["address"], data.get("reason", ""))


@dataclass(frozen=True)
class StandbyOffer:
    """A standby driver's new route in a rescue: who, which van, where they meet, and when
    the first stop is due."""

    code: str
    driver: int
    driver_name: str
    vehicle: int
    plate: str
    lat: float
    lon: float
    starts_at: datetime

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "driver": self.driver,
            "driver_name": self.driver_name,
            "vehicle": self.vehicle,
            "plate": self.plate,
            "lat": self.lat,
            "lon": self.lon,
            "starts_at": self.starts_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict) -> StandbyOffer:
        return cls(
            code=data["code"],
            driver=int(data["driver"]),
            driver_name=data["driver_name"],
            vehicle=int(data["vehicle"]),
            plate=data["plate"],
            lat=float(data["lat"]),
            lon=float(data["lon"]),
            starts_at=aware_from_iso(data["starts_at"], "proposal's standby start"),
        )


class RescuerKind(StrEnum):
    NEARBY = "nearby"  # routes out nearby take the stops
    STANDBY = "standby"  # a standby driver takes them on a new route
    NONE = "none"  # nobody can


@dataclass(frozen=True)
class Rescuer:
    """Who takes a rescued route's stops, and why that option."""

    kind: RescuerKind
    why: str

    def to_json(self) -> dict:
        return {"kind": str(self.kind), "why": self.why}

    @classmethod
    def from_json(cls, data: dict) -> Rescuer:
        return cls(RescuerKind(data["kind"]), data.get("why", ""))


@dataclass(frozen=True)
class Proposal:
    """A whole re-plan proposal as stored on `ReplanJob.proposal`: the routes' new plans,
    the stops handed over, where drivers meet, what fits nowhere, a standby driver's route,
    who rescues and why, the rules a failed proposal breaks, and a note when nothing changes."""

    routes: tuple[ProposedRoute, ...] = ()
    moves: tuple[Move, ...] = ()
    meets: tuple[Meet, ...] = ()
    dropped: tuple[DroppedStop, ...] = ()
    standby: StandbyOffer | None = None
    rescuer: Rescuer | None = None
    problems: tuple[str, ...] = ()
    note: str = ""

    def to_json(self) -> dict:
        data = {
            "routes": [r.to_json() for r in self.routes],
            "moves": [m.to_json() for m in self.moves],
            "meets": [m.to_json() for m in self.meets],
            "dropped": [d.to_json() for d in self.dropped],
        }
        if self.standby is not None:
            data["standby"] = self.standby.to_json()
        if self.rescuer is not None:
            data["rescuer"] = self.rescuer.to_json()
        if self.problems:
            data["problems"] = list(self.problems)
        if self.note:
            data["note"] = self.note
        return data

    @classmethod
    def from_json(cls, data: dict | None) -> Proposal:
        """A stored proposal; an empty one (a job not solved yet) reads as no change."""
        data = data or {}
        return cls(
            routes=tuple(ProposedRoute.from_json(r) for r in data.get("routes", [])),
            moves=tuple(Move.from_json(m) for m in data.get("moves", [])),
            meets=tuple(Meet.from_json(m) for m in data.get("meets", [])),
            dropped=tuple(DroppedStop.from_json(d) for d in data.get("dropped", [])),
            standby=StandbyOffer.from_json(data["standby"]) if data.get("standby") else None,
            rescuer=Rescuer.from_json(data["rescuer"]) if data.get("rescuer") else None,
            problems=tuple(data.get("problems", [])),
            note=data.get("note", ""),
        )

    def moves_from(self, route: int) -> list[Move]:
        return [m for m in self.moves if m.from_route == route]

    def meets_of(self, code: str) -> list[Meet]:
        return [m for m in self.meets if m.involves(code)]
