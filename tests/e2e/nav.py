"""The main menu as a user works it: open the link's group, then follow the link."""

import re

from playwright.sync_api import expect

from tests.e2e.keyboard import tab_to


def _menu_link(page, name: str):
    exactly = re.compile(rf"^\s*{re.escape(name)}\s*$")
    link = page.locator("nav.mainnav a").filter(has_text=exactly)
    group = page.locator("nav.mainnav details.navgroup").filter(
        has=page.locator("a").filter(has_text=exactly)
    )
    return link, group


def follow_menu(page, name: str) -> None:
    """Click the main-menu link called `name`, opening its menu group first if it has one."""
    link, group = _menu_link(page, name)
    if group.count() and not group.evaluate("group => group.open"):
        group.locator("summary").click()
    link.click()


def follow_menu_by_keys(page, name: str, *, key: str = "Tab", limit: int = 40) -> None:
    """Reach the main-menu link called `name` by keyboard alone and follow it: `key` (Tab or
    Shift+Tab) to its group, Enter to open it, Tab to the link, Enter."""
    link, group = _menu_link(page, name)
    if group.count():
        tab_to(page, group.locator("summary"), key=key, limit=limit)
        page.keyboard.press("Enter")
        expect(group).to_have_attribute("open", "")
        tab_to(page, link, limit=10)
    else:
        tab_to(page, link, key=key, limit=limit)
    page.keyboard.press("Enter")
