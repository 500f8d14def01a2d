"""A DSP's disputes of statement lines and staff's decisions on them."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.models import (
    Dispute,
    StatementLine,
)

MAX_DISPUTES_PER_LINE = 3  # one open at a time; a rejected one may be argued again, twice


@transaction.atomic
def dispute_open(*, line: StatementLine, by, message: str, amount: Decimal) -> Dispute:
    """A DSP's objection to a line, within the dispute window after approval."""
    statement = line.statement
    # Lock the line so two disputes opened at once cannot both pass the limits below.
    line = StatementLine.objects.select_for_update().get(pk=line.pk)
    if statement.is_draft:
        raise ValidationError({"line": "A draft can still change; dispute it once approved."})
    if timezone.now() > statement.dispute_deadline:
        raise ValidationError({"line": "The dispute window for this statement has closed."})
    if not (message or "").strip():
        raise ValidationError({"message": "Say what is wrong with this line."})
    if amount > abs(line.amount):
        raise ValidationError(
            {"amount": f"A dispute can claim at most the line's amount, {abs(line.amount)}."}
        )
    disputes = Dispute.objects.filter(line=line)
    if disputes.filter(status=Dispute.Status.OPEN).exists():
        raise ValidationError({"line": "This line already has an open dispute."})
    if disputes.count() >= MAX_DISPUTES_PER_LINE:
        raise ValidationError(
            {"line": f"A line can be disputed at most {MAX_DISPUTES_PER_LINE} times."}
        )
    dispute = Dispute(line=line, message=message.strip(), amount=amount, opened_by=by)
    dispute.full_clean()
    dispute.save()
    return dispute


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, upheld: bool, resolution: str) -> Dispute:
    """Staff decide; an upheld dispute is paid as an adjustment on the DSP's next statement."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError({"status": "This dispute is already resolved."})
    dispute.status = Dispute.Status.UPHELD if upheld else Dispute.Status.REJECTED
    dispute.resolution = resolution
    dispute.resolved_at = timezone.now()
    dispute.full_clean()
    dispute.save()
    return dispute
