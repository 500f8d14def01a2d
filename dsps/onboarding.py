"""The onboarding checklist: items derived from data, contributed by the apps that own it.

dsps registers what it owns (documents verified); fleet and drivers register theirs (insurance,
a leased van, an assignable driver, owner training) in their AppConfig.ready. Nothing is
ticked by hand: each item is a function of the DSP's data. A DSP whose checklist is incomplete
cannot receive routes (`onboarding_complete`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from .models import Dsp


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    check: Callable[[Dsp], bool]
    hint: str = ""
    order: int = 100
    url_name: str = ""  # the page that completes the item


_ITEMS: dict[str, ChecklistItem] = {}


def register_item(*, key: str, label: str, hint: str = "", order: int = 100, url_name: str = ""):
    """Decorator: `check(dsp) -> bool` says whether the item is done for that DSP;
    `url_name` names the page where the owner completes it."""

    def decorator(check: Callable[[Dsp], bool]):
        _ITEMS[key] = ChecklistItem(key, label, check, hint, order, url_name)
        return check

    return decorator


def checklist_for(dsp: Dsp) -> list[dict]:
    """Every registered item with whether it is done and the page that completes it, in order."""
    items = sorted(_ITEMS.values(), key=lambda i: i.order)
    return [
        {
            "key": i.key,
            "label": i.label,
            "hint": i.hint,
            "done": i.check(dsp),
            "url": reverse(i.url_name) if i.url_name else "",
        }
        for i in items
    ]


def onboarding_progress(dsp: Dsp) -> tuple[int, int]:
    items = checklist_for(dsp)
    return sum(1 for i in items if i["done"]), len(items)


def onboarding_complete(dsp: Dsp) -> bool:
    """True when the DSP is active and every checklist item is done."""
    done, total = onboarding_progress(dsp)
    return dsp.is_active and done == total
