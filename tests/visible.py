"""What a person reads on a page: its text, without tags, attributes, scripts or styles."""

import html
import re

_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def visible_text(page: str) -> str:
    return html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", page)))


def codes_shown(page: str) -> list[str]:
    """Internal codes (`fantastic_plus`, `business_closed`, `clock_in`) a person would read."""
    return sorted(set(_CODE.findall(visible_text(page))))
