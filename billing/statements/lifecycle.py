"""Statements: generate, correct, approve and pay; charges waiting for a statement."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.models import (
    PendingAdjustment,
    RateCard,
    Statement,
    StatementLine,
)
from billing.scorecards.generate import scorecard_generate
from billing.statements.lines import generated_lines, new_line
from billing.statements.rates import rate_card_for
from dsps.models import Dsp
from nextmile.calendar import week_start_of
from nextmile.money import cents
from routes.models import Route


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


def _missing_weeks(dsp: Dsp, final_week: date) -> list[date]:
    """Closed weeks without a statement before `final_week`: from the week after the DSP's
    last statement (or its first route, if it has none), from the station's first rates on."""
    last = (
        Statement.objects.filter(dsp=dsp, week_start__lt=final_week)
        .order_by("-week_start")
        .values_list("week_start", flat=True)
        .first()
    )
    if last is not None:
        week = last + timedelta(days=7)
    else:
        first_day = (
            Route.objects.filter(dsp=dsp, service_date__lt=final_week)
            .order_by("service_date")
            .values_list("service_date", flat=True)
            .first()
        )
        if first_day is None:
            return []
        week = week_start_of(first_day)
    first_rates = (
        RateCard.objects.filter(station_id=dsp.station_id)
        .order_by("effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )
    if first_rates is None:
        return []
    while week < first_rates:  # no week is paid before the station had rates
        week += timedelta(days=7)
    have = set(
        Statement.objects.filter(
            dsp=dsp, week_start__gte=week, week_start__lt=final_week
        ).values_list("week_start", flat=True)
    )
    weeks = []
    while week < final_week:
        if week not in have:
            weeks.append(week)
        week += timedelta(days=7)
    return weeks


@transaction.atomic
def statements_generate_through(*, dsp: Dsp, final_week: date) -> tuple[list[date], Statement]:
    """A leaving DSP's last statements: every closed week without one before `final_week`
    (weeks that have one are left as they are), then `final_week`'s, which takes whatever
    charges are still pending. Returns the weeks filled in and the final statement."""
    filled = _missing_weeks(dsp, final_week)
    for week in filled:
        statement_generate(dsp=dsp, week_start=week)
    # A charge dated after the final week (a penalty issued before the termination, counting
    # from that day) has no later statement to wait for: it lands on this one.
    PendingAdjustment.objects.filter(
        dsp=dsp, lines__isnull=True, applies_from__gt=final_week
    ).update(applies_from=final_week)
    return filled, statement_generate(dsp=dsp, week_start=final_week)


@dataclass(frozen=True)
class StatementFigures:
    gross: Decimal
    deductions: Decimal
    net: Decimal


def final_statement_figures(*, dsp: Dsp, final_week: date) -> StatementFigures:
    """What `statements_generate_through` would put on the final statement now, worked out by
    that same code in a transaction that is then rolled back: nothing is kept."""
    with transaction.atomic():
        _, final = statements_generate_through(dsp=dsp, final_week=final_week)
        figures = StatementFigures(final.gross, final.deductions, final.net)
        transaction.set_rollback(True)
    return figures


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
