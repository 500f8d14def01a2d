"""The one palette for routes: a route has the same colour on every map, timeline and board.

Pages and scripts read the colour sent with the route's data; no script keeps its own palette.
"""

import re
import zlib

# Distinct on a light map and against each other (Tableau/d3 category colours, darkened where
# white text or a thin line would not show).
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#e07000",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#5f5f5f",
    "#9a9a1c",
    "#393b79",
    "#637939",
    "#843c39",
    "#7b4173",
)


def route_colour(*, code: str, dsp_id: int) -> str:
    """The colour of a route, from its code and its DSP (stable across pages and days).

    Planned codes end in a number (R001, R002…): consecutive routes of a DSP get consecutive,
    distinct colours, and two DSPs' R001s are shifted apart. Other codes fall back to a hash."""
    digits = re.search(r"(\d+)\D*$", code)
    n = int(digits.group(1)) - 1 if digits else zlib.crc32(code.encode())
    return PALETTE[(n + dsp_id * 5) % len(PALETTE)]
