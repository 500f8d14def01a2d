"""Every write of billing, by concern: rates and thresholds, scorecards, statements (and the
lines they are built from), disputes and the owner's financial settings. Callers import from
here: `from billing.services import statement_generate`."""

from billing.finances.expenses import register_expense_source as register_expense_source
from billing.finances.owner_settings import finance_settings_update
from billing.scorecards.generate import scorecard_generate
from billing.statements.disputes import dispute_open, dispute_resolve
from billing.statements.lifecycle import (
    pending_adjustment_add,
    statement_approve,
    statement_generate,
    statement_line_add,
    statement_mark_paid,
    statement_version,
    statements_generate_through,
)
from billing.statements.lines import dispatch_moment, routes_run, uncovered_routes
from billing.statements.rates import (
    first_open_week,
    last_approved_week,
    peak_period_create,
    rate_card_create,
    rate_card_for,
    threshold_set_save,
)

__all__ = [
    "dispatch_moment",
    "dispute_open",
    "dispute_resolve",
    "finance_settings_update",
    "first_open_week",
    "last_approved_week",
    "peak_period_create",
    "pending_adjustment_add",
    "rate_card_create",
    "rate_card_for",
    "routes_run",
    "scorecard_generate",
    "statement_approve",
    "statement_generate",
    "statement_line_add",
    "statement_mark_paid",
    "statement_version",
    "statements_generate_through",
    "threshold_set_save",
    "uncovered_routes",
]
