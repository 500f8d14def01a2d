"""The API's docs open under the site's Content-Security-Policy, one folded group per app."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_and_redoc_open_grouped_by_app_with_no_blocked_script(live_server, page):
    blocked = []  # scripts the policy refused
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "script" in m.text and "Policy" in m.text else None,
    )
    # when: an integrator opens the interactive docs
    page.goto(f"{live_server.url}/api/docs/")
    # then: one folded group per app, no operation unfolded until asked
    tags = page.locator(".opblock-tag")
    expect(tags.first).to_be_visible()
    names = {t.strip() for t in tags.all_inner_texts()}
    assert {"routes", "billing", "fleet", "drivers", "dsps", "analytics"} <= {
        n.split("\n")[0] for n in names
    }
    expect(page.locator(".opblock")).to_have_count(0)
    page.locator(".opblock-tag", has_text="fleet").first.click()
    expect(page.locator(".opblock").first).to_be_visible()
    assert blocked == []
    # and: the reference docs render their groups too (their web fonts and search worker are
    # refused by the policy; the page works without them)
    page.goto(f"{live_server.url}/api/redoc/")
    # (Redoc lays the whole schema out in the page: allow it time on a busy machine)
    expect(page.get_by_text("NextMile API", exact=False).first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("analytics", exact=True).first).to_be_visible()
