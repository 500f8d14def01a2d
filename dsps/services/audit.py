"""The audit trail of program decisions: one append-only row per decision."""

from __future__ import annotations

from django.db import models

from ..models import AuditEvent, Dsp, User


def audit_record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model,
    dsp: Dsp | None = None,
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Write who did `verb` to `target`, why, with `data`; joins the caller's transaction."""
    if dsp is None and isinstance(target, Dsp):
        dsp = target
    return AuditEvent.objects.create(
        actor=actor,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:200],
        dsp=dsp,
        reason=reason or "",
        data=data or {},
    )
