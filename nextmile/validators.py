"""Validators for text that pages, maps and PDFs show to other people."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

MARKUP_CHARACTERS = "<>"


def plain_text_problem(value: str) -> str | None:
    """Why `value` cannot be a name or an address, or None when it can.

    No real name or street address holds a control character (a tab, a line break, an
    escape) or an angle bracket, so those are refused rather than stored and escaped forever.
    """
    for character in value or "":
        if character in MARKUP_CHARACTERS:
            return f"Remove “{character}”: names and addresses cannot contain < or >."
        if unicodedata.category(character) == "Cc":
            return "Remove the control character (a tab, line break or similar)."
    return None


def validate_plain_text(value: str) -> None:
    """Model and form validator form of plain_text_problem."""
    problem = plain_text_problem(value)
    if problem:
        raise ValidationError(problem, code="markup")
