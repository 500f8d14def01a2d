"""The main menu as a user works it: open the link's group, then follow the link."""

import re


def follow_menu(page, name: str) -> None:
    """Click the main-menu link called `name`, opening its menu group first if it has one."""
    exactly = re.compile(rf"^\s*{re.escape(name)}\s*$")
    link = page.locator("nav.mainnav a").filter(has_text=exactly)
    group = page.locator("nav.mainnav details.navgroup").filter(
        has=page.locator("a").filter(has_text=exactly)
    )
    if group.count() and not group.evaluate("group => group.open"):
        group.locator("summary").click()
    link.click()
