"""A DSP's disputes of statement lines and staff's decisions on them."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import (
    Dispute,
    StatementLine,
)


@transaction.atomic
def dispute_open(*, line: StatementLine, by, message: str, amount: Decimal) -> Dispute:
    """A DSP's objection to a line, within the dispute window after approval."""
    statement = line.statement
    if statement.is_draft:
        raise ValidationError({"line": "A draft can still change; dispute it once approved."})
    if timezone.now() > statement.dispute_deadline:
        raise ValidationError({"line": "The dispute window for this statement has closed."})
    if not (message or "").strip():
        raise ValidationError({"message": "Say what is wrong with this line."})
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
