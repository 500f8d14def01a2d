"""Statements: generate, correct, approve and pay; charges waiting for a statement."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.models import (
    PendingAdjustment,
    Statement,
    StatementLine,
)
from billing.scorecards.generate import scorecard_generate
from billing.statements.lines import generated_lines, new_line
from billing.statements.rates import rate_card_for
from dsps.models import Dsp
from nextmile.calendar import week_start_of
from nextmile.money import cents


def _retotal(statement: Statement) -> None:
    lines = list(statement.lines.all())
    statement.gross = sum((x.amount for x in lines if not x.is_deduction), Decimal(0))
    statement.deductions = sum((x.amount for x in lines if x.is_deduction), Decimal(0))
    statement.net = statement.gross - statement.deductions
    statement.full_clean()
    statement.save()


@transaction.atomic
def statement_generate(*, dsp: Dsp, week_start: date) -> Statement:
    """Build (or rebuild) the draft statement of the week. Safe to call any number of times:
    one statement per DSP and week (a database constraint); an approved one is left alone."""
    if week_start != week_start_of(week_start):
        raise ValidationError({"week_start": "A statement covers a program week."})
    rates = rate_card_for(station=dsp.station, week_start=week_start)
    statement, _ = Statement.objects.get_or_create(dsp=dsp, week_start=week_start)
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if not statement.is_draft:
        return statement
    card = scorecard_generate(dsp=dsp, week_start=week_start)
    statement.lines.filter(generated=True).delete()
    lines = generated_lines(statement, card, rates)
    for line in lines:
        line.statement = statement
    StatementLine.objects.bulk_create(lines)
    statement.tier = card.tier
    _retotal(statement)
    return statement


@transaction.atomic
def statement_line_add(
    *,
    statement: Statement,
    kind: str,
    description: str,
    quantity: Decimal,
    rate: Decimal,
) -> StatementLine:
    """A chargeback, fine or adjustment a staff member adds to a draft statement."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if not statement.is_draft:
        raise ValidationError(
            {"statement": "This statement is approved; corrections go on a later statement."}
        )
    if kind not in StatementLine.MANUAL_KINDS:
        raise ValidationError(
            {"kind": "Only chargebacks, fines and adjustments are added by hand."}
        )
    if quantity is None or Decimal(quantity) < 0:
        raise ValidationError({"quantity": "Quantity cannot be negative."})
    line = new_line(
        kind, description, quantity, rate, deduction=kind in StatementLine.DEDUCTION_KINDS
    )
    line.statement = statement
    line.generated = False
    line.full_clean()
    line.save()
    _retotal(statement)
    return line


def statement_version(statement: Statement) -> str:
    """A token of the statement as shown: its status, net and last change. The confirmation
    step sends it back, so approving figures that changed meanwhile is refused."""
    state = f"{statement.pk}:{statement.status}:{statement.net}:{statement.updated_at.isoformat()}"
    return hashlib.sha256(state.encode()).hexdigest()[:32]


@transaction.atomic
def statement_approve(*, statement: Statement, by, version: str | None = None) -> Statement:
    """Freeze a draft: from now on only its move to paid is allowed. `version` (from
    `statement_version`) is what the confirmation showed: when given, a statement changed
    since is refused."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if not statement.is_draft:
        raise ValidationError({"status": "Only a draft statement can be approved."})
    if version is not None and version != statement_version(statement):
        raise ValidationError(
            {
                "version": "The statement changed after the confirmation was shown (a line "
                "was added or its total moved); nothing was approved. Read it again."
            }
        )
    statement.status = Statement.Status.APPROVED
    statement.approved_at = timezone.now()
    statement.approved_by = by
    statement.full_clean()
    statement.save()
    return statement


@transaction.atomic
def statement_mark_paid(*, statement: Statement) -> Statement:
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status != Statement.Status.APPROVED:
        raise ValidationError({"status": "Only an approved statement can be paid."})
    statement.status = Statement.Status.PAID
    statement.paid_at = timezone.now()
    statement.save(update_fields=["status", "paid_at", "updated_at"])
    return statement


@transaction.atomic
def pending_adjustment_add(
    *,
    dsp: Dsp,
    kind: str,
    description: str,
    amount: Decimal,
    by=None,
    source: str = "",
    applies_from: date | None = None,
) -> PendingAdjustment:
    """A charge (deduction kinds) or credit that lands, once, on the first draft statement of
    the DSP whose week starts on or after `applies_from` (default: the station's today); an
    older week's draft, however often it is rebuilt, never carries it."""
    if kind not in StatementLine.MANUAL_KINDS:
        raise ValidationError({"kind": "Only chargebacks, fines and adjustments are pending."})
    try:
        amount = cents(Decimal(amount))  # None is refused, not zero
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationError({"amount": "Give the amount as a number of dollars."}) from None
    if amount <= 0:
        raise ValidationError({"amount": "The amount must be more than $0.00."})
    pending = PendingAdjustment(
        dsp=dsp,
        kind=kind,
        description=(description or "").strip()[:200],
        amount=amount,
        is_deduction=kind in StatementLine.DEDUCTION_KINDS,
        source=source,
        applies_from=applies_from or dsp.station.today(),
        created_by=by,
    )
    pending.full_clean()
    pending.save()
    return pending
