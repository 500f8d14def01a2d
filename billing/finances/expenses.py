"""Expense sources that higher apps contribute to a DSP's weekly P&L.

Billing never imports the apps above it; an app with costs of its own (supplies orders, …)
registers `fn(dsp=, start=, end=) -> Decimal` here in its `AppConfig.ready`, and `week_pnl`
adds one expense line per source.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

ExpenseFn = Callable[..., Decimal]

_SOURCES: dict[str, tuple[str, ExpenseFn]] = {}


def register_expense_source(name: str, fn: ExpenseFn, *, label: str | None = None) -> None:
    """Add (or replace, so a reloaded app registers once) the expense line `name`."""
    _SOURCES[name] = (label or name.replace("_", " ").capitalize(), fn)


def extra_expenses(*, dsp, start: date, end: date) -> list[tuple[str, str, Decimal]]:
    """(name, label, amount) of every registered source for the days start..end."""
    return [
        (name, label, Decimal(fn(dsp=dsp, start=start, end=end)))
        for name, (label, fn) in sorted(_SOURCES.items())
    ]
