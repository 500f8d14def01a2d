"""CSV we hand out cannot run as a spreadsheet formula (CSV/formula injection).

A cell that starts with = + - @ (or a tab or carriage return, which some spreadsheets skip
before reading the formula) is prefixed with a single quote, so `=cmd|' /C calc'!A0` opens as
text. Numbers are written as numbers: only text cells are changed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


class _SafeWriter:
    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out, **kwargs) -> _SafeWriter:
    """`csv.writer` that neutralises formula cells."""
    return _SafeWriter(out, **kwargs)
