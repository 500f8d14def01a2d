"""The driver's outbox rules (static/js/outbox-rules.js), run in node: which answers finish an
action, keep it for a retry, or keep it for the driver's attention."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "static" / "js" / "outbox-rules.js"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


def _run(expression: str):
    script = (
        f"const r = require({json.dumps(str(RULES))}); console.log(JSON.stringify({expression}));"
    )
    out = subprocess.run([NODE, "-e", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_answers_sort_into_done_retry_and_attention():
    statuses = [
        None,
        0,
        200,
        201,
        204,
        301,
        400,
        403,
        404,
        408,
        409,
        413,
        422,
        429,
        500,
        502,
        503,
        504,
        599,
    ]
    result = _run(f"{json.dumps(statuses)}.map(r.outcome)")
    assert dict(zip(map(str, statuses), result, strict=True)) == {
        "None": "retry",
        "0": "retry",
        "200": "done",  # a duplicate: the idempotency key was already recorded
        "201": "done",
        "204": "done",
        "301": "retry",
        "400": "attention",
        "403": "attention",
        "404": "attention",
        "408": "retry",
        "409": "attention",
        "413": "attention",
        "422": "attention",
        "429": "retry",
        "500": "retry",
        "502": "retry",
        "503": "retry",
        "504": "retry",
        "599": "retry",
    }


def test_backoff_doubles_from_two_seconds_and_stops_at_five_minutes():
    assert _run("[1, 2, 3, 4, 8, 9, 50].map(n => r.delayMs(n))") == [
        2000,
        4000,
        8000,
        16000,
        256000,
        300000,
        300000,
    ]


def test_retry_after_asks_for_longer_but_never_past_the_cap():
    assert _run("[r.delayMs(1, 30), r.delayMs(5, 3), r.delayMs(1, 9999)]") == [
        30000,
        32000,
        300000,
    ]


def test_refusal_message_is_the_first_field_message():
    assert _run(
        '[r.refusalMessage({code: ["Package X is not on route R1."]}), '
        'r.refusalMessage({detail: "Not found."}), r.refusalMessage(null), r.refusalMessage({})]'
    ) == [
        "Package X is not on route R1.",
        "Not found.",
        "The server refused this action.",
        "The server refused this action.",
    ]


def test_photos_fit_1600_px_on_the_long_side_and_are_never_upscaled():
    assert _run(
        "[r.fitWithin(4032, 3024, 1600), r.fitWithin(3024, 4032, 1600), "
        "r.fitWithin(800, 600, 1600)]"
    ) == [
        {"width": 1600, "height": 1200},
        {"width": 1200, "height": 1600},
        {"width": 800, "height": 600},
    ]
