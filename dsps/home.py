"""Home-page panels: each app contributes the panels it owns, per role (a small hook registry).

A lower app never imports a higher one, so the home view (here, in the tenant root) cannot ask
fleet or routes for their figures; instead those apps register a panel in their AppConfig.ready.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    name: str
    roles: tuple[str, ...]
    template: str
    context: Callable[[HttpRequest], dict]
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register_panel(*, name: str, roles: Iterable[str], template: str, order: int = 100):
    """Decorator: `context(request) -> dict` feeds `template` on the home page of `roles`."""

    def decorator(context: Callable[[HttpRequest], dict]):
        _PANELS[name] = Panel(name, tuple(roles), template, context, order)
        return context

    return decorator


def panels_for(request: HttpRequest, role: str) -> list[dict]:
    """The rendered-ready panels for one role, in order."""
    chosen = sorted((p for p in _PANELS.values() if role in p.roles), key=lambda p: p.order)
    return [{"template": p.template, "name": p.name, **p.context(request)} for p in chosen]
