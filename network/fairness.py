"""Fair spread of a station day's overflow: plain Python, no Django.

Each DSP carries `capacity` stops (vans × stops per route). Stops beyond a holder's capacity
(those farthest from its own area first) and stops no DSP holds form the pool; DSPs with spare
capacity receive quotas in proportion to spare × tier weight (better tiers weigh more and take
any remainder first), never more than their spare; then each pooled stop goes to the nearest
receiving DSP with quota left. Fairness is each DSP's share of volume against its share of
capacity; the index is half the sum of the gaps (0 = every DSP carries exactly its share).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

TIER_RANK = ["fantastic_plus", "fantastic", "great", "fair", "poor"]
TIER_WEIGHT = {"fantastic_plus": 1.0, "fantastic": 0.85, "great": 0.7, "fair": 0.5, "poor": 0.25}
UNKNOWN_TIER_WEIGHT = 0.5  # a new DSP with no scorecard yet ranks like a Fair one


@dataclass
class StopPoint:
    id: int
    dsp_id: int | None
    lat: float
    lon: float
    address: str = ""
    on_route: bool = False


@dataclass
class Carrier:
    dsp_id: int
    name: str
    tier: str | None
    capacity: int
    stops: int
    centre: tuple[float, float]  # lat, lon of its area

    @property
    def spare(self) -> int:
        return max(0, self.capacity - self.stops)

    @property
    def rank(self) -> float:
        return TIER_RANK.index(self.tier) if self.tier in TIER_RANK else len(TIER_RANK) - 1.5


@dataclass
class Plan:
    moves: list[dict] = field(default_factory=list)
    unplaced: int = 0
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 12742 * math.asin(min(1.0, math.sqrt(h)))


def fairness(carriers: list[Carrier], uncovered: int = 0) -> dict:
    """Each DSP's share of the day's volume and of the capacity, and the index of the gaps."""
    volume = sum(c.stops for c in carriers)
    capacity = sum(c.capacity for c in carriers)
    rows, gaps = [], 0.0
    for c in carriers:
        v = c.stops / volume if volume else 0.0
        k = c.capacity / capacity if capacity else 0.0
        gaps += abs(v - k)
        rows.append(
            {
                "dsp": c.dsp_id,
                "name": c.name,
                "tier": c.tier or "",
                "tier_label": (c.tier or "no scorecard").replace("_", " ").capitalize(),
                "stops": c.stops,
                "capacity": c.capacity,
                "volume_share": round(100 * v, 1),
                "capacity_share": round(100 * k, 1),
                "over_capacity": max(0, c.stops - c.capacity),
            }
        )
    return {
        "rows": rows,
        "index": round(50 * gaps, 1),
        "volume": volume,
        "capacity": capacity,
        "uncovered": uncovered,
    }


def quotas(receivers: list[Carrier], pool: int) -> dict[int, int]:
    """How many pooled stops each receiver takes: ∝ spare × tier weight, capped by its spare."""
    given = {c.dsp_id: 0 for c in receivers}
    left = pool
    while left > 0:
        open_ = [c for c in receivers if c.spare - given[c.dsp_id] > 0]
        if not open_:
            break
        weights = {
            c.dsp_id: (c.spare - given[c.dsp_id]) * TIER_WEIGHT.get(c.tier, UNKNOWN_TIER_WEIGHT)
            for c in open_
        }
        total = sum(weights.values())
        placed = 0
        for c in open_:
            share = min(c.spare - given[c.dsp_id], math.floor(left * weights[c.dsp_id] / total))
            given[c.dsp_id] += share
            placed += share
        left -= placed
        # The remainder of the rounding goes one by one to the better tiers first.
        for c in sorted(open_, key=lambda c: (c.rank, -c.spare, c.dsp_id)):
            if left == 0:
                break
            if c.spare - given[c.dsp_id] > 0:
                given[c.dsp_id] += 1
                left -= 1
    return given


def propose(carriers: list[Carrier], stops: list[StopPoint]) -> Plan:
    """The moves that spread overflow and uncovered stops fairly; carriers are not changed."""
    by_id = {c.dsp_id: c for c in carriers}
    uncovered = [s for s in stops if s.dsp_id is None or s.dsp_id not in by_id]
    plan = Plan(before=fairness(carriers, uncovered=len(uncovered)))
    pool = [s for s in uncovered if not s.on_route]
    for c in carriers:
        excess = c.stops - c.capacity
        if excess <= 0:
            continue
        own = [s for s in stops if s.dsp_id == c.dsp_id and not s.on_route]
        own.sort(key=lambda s: (-_km(c.centre, (s.lat, s.lon)), s.id))
        pool.extend(own[:excess])
    receivers = [c for c in carriers if c.spare > 0]
    quota = quotas(receivers, len(pool))
    pairs = sorted(
        (_km(r.centre, (s.lat, s.lon)), s.id, r.dsp_id)
        for s in pool
        for r in receivers
        if quota[r.dsp_id]
    )
    stop_by_id = {s.id: s for s in pool}
    taken: dict[int, int] = {}
    for _, stop_id, dsp_id in pairs:
        if stop_id in taken or quota[dsp_id] == 0:
            continue
        taken[stop_id] = dsp_id
        quota[dsp_id] -= 1
    after = {c.dsp_id: c.stops for c in carriers}
    for stop_id, dsp_id in sorted(taken.items()):
        s = stop_by_id[stop_id]
        plan.moves.append(
            {
                "stop": s.id,
                "from": s.dsp_id if s.dsp_id in by_id else None,
                "to": dsp_id,
                "address": s.address,
                "lat": s.lat,
                "lon": s.lon,
            }
        )
        after[dsp_id] += 1
        if s.dsp_id in after:
            after[s.dsp_id] -= 1
    plan.unplaced = len(pool) - len(taken)
    moved_in = [
        Carrier(c.dsp_id, c.name, c.tier, c.capacity, after[c.dsp_id], c.centre) for c in carriers
    ]
    still_uncovered = len(uncovered) - sum(1 for m in plan.moves if m["from"] is None)
    plan.after = fairness(moved_in, uncovered=still_uncovered)
    return plan
