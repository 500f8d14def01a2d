"""One visual language: every button in the templates wears the project's button classes (or
is a submit button, which app.css styles), so no native grey button reaches a page."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BUTTON = re.compile(r"<button\b[^>]*>")
STYLED = re.compile(r'class="[^"]*\b(button|link)\b|type="submit"')
# The driver's day styles its own buttons for thumbs (#driver-day button in the page's style).
OWN_STYLES = {"routes/driver_day.html"}


def test_no_template_has_an_unstyled_button():
    unstyled = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if str(path.relative_to(TEMPLATES)) not in OWN_STYLES
        for tag in BUTTON.findall(path.read_text())
        if not STYLED.search(tag)
    ]
    assert unstyled == []
