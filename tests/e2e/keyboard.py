"""The keyboard as a user works it: Tab to a control, see where the focus is, never get stuck."""

from playwright.sync_api import Locator, Page, expect

# The focused element shows a focus ring (an outline or a box shadow) and nothing covers it.
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "nothing has the focus";
  const named = (node) => node ? node.outerHTML.slice(0, 80) : "nothing";
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== "none";
  if (!ring) return "no focus ring on " + named(el);
  const box = el.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  if (!hit || !el.contains(hit)) return named(el) + " is covered by " + named(hit);
  return "";
}"""


def has_focus(target: Locator) -> bool:
    return target.evaluate("el => el === document.activeElement")


def assert_focus_visible(page: Page) -> None:
    """The focused element is on screen, uncovered, with a visible focus indicator."""
    expect(page.locator(":focus")).to_be_in_viewport()
    problem = page.evaluate(FOCUS_SHOWN)
    assert not problem, problem


def tab_to(page: Page, target: Locator, *, key: str = "Tab", limit: int = 40) -> None:
    """Press `key` (Tab or Shift+Tab) until `target` has the focus, at most `limit` times; then
    check that the user can see it."""
    expect(target).to_have_count(1)
    for _ in range(limit):
        if has_focus(target):
            break
        page.keyboard.press(key)
    assert has_focus(target), f"{target} was not reached in {limit} presses of {key}"
    assert_focus_visible(page)


def choose_by_keys(page: Page, select: Locator, label: str) -> None:
    """Arrow down the focused `select` until it shows the option `label`."""
    options = select.locator("option").all_text_contents()
    assert label in options, f"{label} is not among {options}"
    for _ in range(len(options)):
        if select.evaluate("s => s.selectedOptions[0].text") == label:
            return
        page.keyboard.press("ArrowDown")
    expect(select.locator("option:checked")).to_have_text(label)


def assert_no_keyboard_trap(page: Page, *, key: str = "Tab", limit: int = 200) -> int:
    """Press `key` until the focus comes back to the first stop it reached: every stop on the
    way lets go. Returns the number of stops in the round."""
    page.keyboard.press(key)
    first = page.evaluate_handle("document.activeElement")
    for stops in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate("el => el === document.activeElement", first):
            return stops
    raise AssertionError(f"The focus did not come back in {limit} presses of {key}.")
