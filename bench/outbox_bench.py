"""The driver's outbox with 50 photo deliveries: storage on the phone, time to drain.

    DATABASE_URL=postgres://…/nm_bench python bench/outbox_bench.py [--deliveries 50]

Runs `tests/e2e/test_driver_outbox_bench.py` (marked `benchmark`, so the suite skips it) on
Chromium at 390×844 against pytest-django's live server, and prints its `OUTBOX-BENCH` line:
camera and queued photo sizes, the growth of the origin's storage estimate, the time to record
(including generating each 4032×3024 photo in the test) and the time to drain once online.
"""

import argparse
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=50)
    os.environ["OUTBOX_BENCH_DELIVERIES"] = str(parser.parse_args().deliveries)
    sys.exit(
        pytest.main(
            [
                str(ROOT / "tests" / "e2e" / "test_driver_outbox_bench.py"),
                "-m",
                "benchmark",
                "-s",
                "-q",
                "--create-db",
            ]
        )
    )
