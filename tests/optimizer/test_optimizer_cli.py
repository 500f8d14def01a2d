import json
import math
from pathlib import Path

import pytest

from routes.optimizer.cli import main
from routes.optimizer.instances import read_instance

BENCHMARKS = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks"

TINY_VRPTW = """NAME : tiny
TYPE : CVRPTW
DIMENSION : 4
VEHICLES : 2
CAPACITY : 10
SERVICE_TIME : 1
EDGE_WEIGHT_TYPE : EUC_2D
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
4 0 -5
DEMAND_SECTION
1 0
2 3
3 3
4 8
TIME_WINDOW_SECTION
1 0 100
2 0 100
3 0 100
4 0 6
DEPOT_SECTION
1
-1
EOF
"""

TINY_SOLOMON = """tiny

VEHICLE
NUMBER     CAPACITY
  2          10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0       0          0          0          0        100          0
    1       3          4          3          0        100          1
    2       6          8          3          0        100          1
    3       0         -5          8          0          6          1
"""


def _run(capsys, *argv) -> dict:
    assert main(["solve", *argv]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    return json.loads(out[0])


@pytest.mark.parametrize("engine", ["auto", "ortools"])
def test_cli_solves_a_tiny_vrplib_file(tmp_path, capsys, engine):
    # given: customers 1 and 2 lie on one ray (20 there and back); 3 is too big to share a
    # van (3 + 3 + 8 > 10) and 5 away.
    path = tmp_path / "tiny.vrp"
    path.write_text(TINY_VRPTW)
    # when
    result = _run(capsys, str(path), "--time-limit", "0.5", "--engine", engine)
    # then
    assert sorted(sorted(r) for r in result["routes"]) == [[1, 2], [3]]
    assert result["distance"] == pytest.approx(30.0)
    assert result["vehicles"] == len(result["routes"])
    assert result["feasible"] is True


def test_cli_reads_the_solomon_text_format(tmp_path, capsys):
    # given: customer 3 is too big to share a van (3 + 3 + 8 > 10).
    path = tmp_path / "tiny.txt"
    path.write_text(TINY_SOLOMON)
    # when
    result = _run(capsys, str(path), "--time-limit", "0.5")
    # then
    assert sorted(sorted(r) for r in result["routes"]) == [[1, 2], [3]]
    assert result["distance"] == pytest.approx(30.0)
    assert result["feasible"] is True


def test_cli_reports_an_unreadable_file(tmp_path, capsys):
    assert main(["solve", str(tmp_path / "missing.vrp")]) == 2
    assert "Cannot read" in capsys.readouterr().err


def test_instance_distance_is_unrounded_and_can_round_each_arc(tmp_path):
    path = tmp_path / "tiny.vrp"
    path.write_text(TINY_VRPTW.replace("3 6 8", "3 1 1"))
    # when
    instance = read_instance(path)
    # then: depot -> (1, 1) -> depot is 2 * sqrt(2) exactly, or 1 + 1 with arcs rounded.
    assert instance.distance([[2]]) == pytest.approx(2 * math.sqrt(2))
    assert instance.distance([[2]], rounded=True) == 2
    assert instance.name == "tiny"
    assert instance.problem.stops[0].window == (0, 10_000)
    assert instance.problem.vehicles[0].shift_end_s == 10_000


@pytest.mark.skipif(not (BENCHMARKS / "solomon").is_dir(), reason="benchmark folder missing")
def test_cli_solves_solomon_c101(capsys):
    result = _run(capsys, str(BENCHMARKS / "solomon" / "C101.vrp"), "--time-limit", "2")
    assert set(result) >= {"routes", "vehicles", "distance", "feasible"}
    assert result["feasible"] is True
    assert sorted(c for r in result["routes"] for c in r) == list(range(1, 101))
    # Best known, measured unrounded: 828.94 with 10 vehicles.
    assert result["distance"] < 828.94 * 1.05


def _seconds_day(stops: int = 30, opens: int = 28800, closes: int = 64800) -> str:
    """A VRPTW file whose times are seconds over a working day (08:00 to 18:00)."""
    import random

    rng = random.Random(3)
    coords = [(0, 0)] + [(rng.randint(-9000, 9000), rng.randint(-9000, 9000)) for _ in range(stops)]
    lines = [
        "NAME : seconds",
        "TYPE : CVRPTW",
        f"DIMENSION : {stops + 1}",
        "VEHICLES : 6",
        "CAPACITY : 20",
        "SERVICE_TIME : 60",
        "EDGE_WEIGHT_TYPE : EUC_2D",
        "NODE_COORD_SECTION",
        *(f"{k + 1} {x} {y}" for k, (x, y) in enumerate(coords)),
        "DEMAND_SECTION",
        "1 0",
        *(f"{k + 2} 1" for k in range(stops)),
        "TIME_WINDOW_SECTION",
        f"1 {opens} {closes}",
        *(f"{k + 2} {opens + 1800 * (k % 3)} {closes}" for k in range(stops)),
        "DEPOT_SECTION",
        "1",
        "-1",
        "EOF",
    ]
    return "\n".join(lines) + "\n"


def test_cli_reads_a_file_in_seconds_with_default_settings(tmp_path, capsys):
    path = tmp_path / "seconds.vrp"
    path.write_text(_seconds_day())
    # when: no --scale, and the day's times reach 64,800 (times 100 would pass a week)
    result = _run(capsys, str(path), "--time-limit", "1")
    # then
    assert result["scale"] == 1
    assert result["feasible"] is True
    assert sorted(c for r in result["routes"] for c in r) == list(range(1, 31))


def test_cli_keeps_scale_100_for_solomon_minutes_and_takes_an_explicit_scale(tmp_path):
    path = tmp_path / "tiny.vrp"
    path.write_text(TINY_VRPTW)
    assert read_instance(path).provider.scale == 100
    assert read_instance(path, scale=7).provider.scale == 7
    seconds = tmp_path / "seconds.vrp"
    seconds.write_text(_seconds_day(opens=0, closes=9000))
    # 9,000 x 100 passes a week (604,800), 9,000 x 10 does not.
    assert read_instance(seconds).provider.scale == 10


def test_cli_with_two_workers_decomposes_and_stays_feasible(tmp_path, capsys):
    path = tmp_path / "seconds.vrp"
    path.write_text(_seconds_day())
    # when
    result = _run(capsys, str(path), "--time-limit", "1", "--workers", "2")
    # then
    assert result["workers"] == 2
    assert result["feasible"] is True
    assert sorted(c for r in result["routes"] for c in r) == list(range(1, 31))
