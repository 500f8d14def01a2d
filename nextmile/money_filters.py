"""The `money` template filter, loaded in every template (a builtin in the settings)."""

from django import template

from .money import format_money

register = template.Library()


@register.filter
def money(value, places: int = 2) -> str:
    """`{{ amount|money }}` → `$1,234.50`, `−$11,165.67`; `{{ amount|money:0 }}` → `$1,235`."""
    if value is None or value == "":
        return "—"
    return format_money(value, places=int(places))
