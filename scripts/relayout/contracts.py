#!/usr/bin/env python3
"""(Re)write the import-linter contracts after the first two in pyproject.toml: one forbidden
contract per app (its private modules, listed from the tree), the inner layers of routes and
billing, and no cycles. Usage: contracts.py [REPO]"""

import os
import sys
from pathlib import Path

APPS = [
    "dsps",
    "fleet",
    "drivers",
    "routes",
    "billing",
    "network",
    "analytics",
    "integrations",
    "compliance",
    "supplies",
]
PUBLIC = {"models", "selectors", "services", "signals"}
SHARED = {"dsps": {"tenancy", "home", "onboarding", "geometry", "calendar"}}
MARK = "\n# Published surfaces:"

HEAD = """
# Published surfaces: another app may import only an app's `models` (foreign keys), `selectors`
# (reads), `services` (writes) and `signals`; dsps also shares its tenancy, calendar, home-page
# panel and onboarding registries and its geometry. `nextmile.urls` and `nextmile.celery` wire
# every app and are no source here. tests/architecture/test_surfaces.py checks the same rule
# from the import graph, so a private module added later is caught too.
"""

TAIL = """
# Inside routes, sub-packages depend downwards only: the web layer and tasks on the services
# facade, re-planning on live progress and the day, the day on planning, planning on manifests,
# all of them on the shared reads (selectors) and the rules (worked hours, package state).
[[tool.importlinter.contracts]]
name = "routes' sub-packages depend one way"
type = "layers"
containers = ["routes"]
layers = [
    "apps",
    "admin | demo | web",
    "tasks",
    "services",
    "replan",
    "live",
    "day",
    "planning",
    "manifests",
    "selectors",
    "rules",
    "optimizer",
]

[[tool.importlinter.contracts]]
name = "billing's sub-packages depend one way"
type = "layers"
containers = ["billing"]
layers = [
    "apps",
    "demo | web",
    "tasks",
    "services",
    "pay",
    "selectors",
    "finances",
    "statements",
    "scorecards",
]

[[tool.importlinter.contracts]]
name = "No import cycles between the modules of a package"
type = "acyclic_siblings"
ancestors = [
    "nextmile", "dsps", "fleet", "drivers", "routes", "billing",
    "network", "analytics", "integrations", "compliance", "supplies",
]
"""


def main() -> int:
    repo = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    py = repo / "pyproject.toml"
    s = py.read_text()
    if MARK in s:
        s = s[: s.index(MARK)]
    out = [s.rstrip("\n") + "\n", HEAD]
    for a in APPS:
        mods = sorted(
            m[:-3] if m.endswith(".py") else m
            for m in os.listdir(repo / a)
            if m not in ("__pycache__", "migrations", "__init__.py")
            and (m.endswith(".py") or (repo / a / m / "__init__.py").exists())
        )
        private = [f"{a}.{m}" for m in mods if m not in PUBLIC | SHARED.get(a, set())]
        others = [x for x in APPS if x != a]
        owner = f"{a}'" if a.endswith("s") else f"{a}'s"
        text = (
            f'\n[[tool.importlinter.contracts]]\nname = "Other apps use only {owner} published '
            f'surface"\ntype = "forbidden"\nsource_modules = [{", ".join(chr(34) + o + chr(34) for o in others)}]\n'
            f"forbidden_modules = [{', '.join(chr(34) + p + chr(34) for p in private)}]\n"
            "allow_indirect_imports = true\n"
        )
        ignores = []
        if a in ("dsps", "routes"):
            ignores.append(f'"*.demo -> {a}.demo"')
        if a == "routes":
            ignores.append('"analytics.history -> routes.demo"')
        if ignores:
            text += (
                f"ignore_imports = [{', '.join(ignores)}]\n"
                'unmatched_ignore_imports_alerting = "none"\n'
            )
        out.append(text)
    tail = TAIL
    for layer in ("rules", "selectors", "replan", "live", "day", "planning", "manifests"):
        if not ((repo / "routes" / layer).is_dir() or (repo / "routes" / f"{layer}.py").exists()):
            tail = tail.replace(f'    "{layer}",\n', "", 1)
    out.append(tail)
    py.write_text("".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
