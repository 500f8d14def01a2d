"""axe-core (vendored from npm, tests/e2e/vendor/axe-core) run inside a page under test."""

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()


def serious_violations(page, *, include: str = "body") -> list[str]:
    """Serious and critical WCAG 2 A/AA violations inside `include`, as 'rule: target' lines.

    Injected through the DevTools protocol, so the page's Content-Security-Policy stays as
    strict as in production (no inline script is added to the page)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE + "\n;undefined")
    results = page.evaluate(
        """(include) => axe.run(document.querySelector(include), {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        }).then(r => r.violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .flatMap(v => v.nodes.map(n => v.id + ": " + n.target.join(" "))))""",
        include,
    )
    return results
