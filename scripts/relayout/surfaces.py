#!/usr/bin/env python3
"""After relayout.py (and hoist.py): publish routes' and billing's surfaces and point every
other app at them.

1. routes/planning/jobs.py: re-exports the writes other apps may call, from the module that owns
   each (found by its `def`); routes/selectors.py and billing/selectors.py re-export the reads
   other apps use; billing/services/__init__.py also publishes `register_expense_source`.
2. In every other app (not tests, bench or the wiring in nextmile/urls.py, nextmile/celery.py),
   `from <app>.<private module> import names` becomes `from <app>.services|selectors import
   names` when the surface has every name; otherwise it is listed as NEEDS SURFACE.
3. Inside an app's sub-packages, an import of the app's own `services` facade is pointed at the
   owning module (the facade sits above them).

Usage: surfaces.py [REPO]
"""

from __future__ import annotations

import ast
import re
import subprocess
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
SHARED = {"dsps.tenancy", "dsps.home", "dsps.onboarding", "dsps.geometry", "dsps.calendar"}
WIRING = {"nextmile/urls.py", "nextmile/celery.py"}
SKIP_IMPORTERS = {("analytics/history.py", "routes.demo")}

ROUTES_WRITES = [
    "assignment_suggestions_apply",
    "day_confirmation_answer",
    "punch_record",
    "route_assign",
    "route_unassign",
    "delivery_record",
    "package_scan",
    "message_send",
    "message_thread_mark_read",
    "tracking_links_send",
    "location_ping_record",
    "manifest_import",
    "plan_job_cancel",
    "plan_job_start",
    "route_stop_move",
    "stop_allocate",
    "stops_reallocate",
    "disruption_record",
    "replan_job_apply",
    "replan_job_start",
]
ROUTES_READS = ["hours_of"]
BILLING_READS = ["DRIVER_DAYS_PER_WEEK", "ROUTE_DAYS_PER_WEEK", "week_start_of"]
BILLING_WRITES = ["register_expense_source"]

SERVICES_DOC = '''"""Every write of routes that other apps may call, published from the sub-package that owns it.

Other apps import writes from here only (an import-linter contract and
`tests/architecture/test_surfaces.py` keep routes' sub-packages private); inside routes, callers
import from the owning module. Each write validates fully and runs in one transaction.
"""
'''

report: list[str] = []


def modname(repo: Path, path: Path) -> str:
    rel = path.relative_to(repo).with_suffix("").as_posix()
    return rel.removesuffix("/__init__").replace("/", ".")


def owners(repo: Path, app: str, names: list[str], *, skip=("web", "tasks")) -> dict[str, str]:
    """name -> the module of `app` that defines it at top level (a def, class or assignment)."""
    found: dict[str, str] = {}
    for path in sorted((repo / app).rglob("*.py")):
        rel = path.relative_to(repo / app).parts
        if (
            rel[0] in skip
            or "migrations" in rel
            or rel[0] in ("selectors.py", "services.py", "services")
        ):
            continue
        tree = ast.parse(path.read_text())
        for node in tree.body:
            defined = []
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                defined = [node.name]
            elif isinstance(node, ast.Assign):
                defined = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for name in defined:
                if name in names and name not in found:
                    found[name] = modname(repo, path)
    return found


def bound_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            out.update((a.asname or a.name).split(".")[0] for a in node.names)
    return out


def add_reexports(path: Path, found: dict[str, str]) -> None:
    have = bound_names(path)
    lines = [
        f"from {mod} import {name} as {name}\n"
        for name, mod in sorted(found.items())
        if name not in have
    ]
    if not lines:
        return
    s = path.read_text()
    m = re.search(r"^(from|import) (?!__future__)", s, re.M)
    path.write_text(s[: m.start()] + "".join(lines) + s[m.start() :])


def write_routes_services(repo: Path) -> None:
    found = owners(repo, "routes", ROUTES_WRITES)
    for name in ROUTES_WRITES:
        if name not in found:
            report.append(f"routes.planning.jobs: no owner of {name}, left out")
    by_mod: dict[str, list[str]] = {}
    for name, mod in found.items():
        by_mod.setdefault(mod, []).append(name)
    body = "".join(
        f"from {mod} import {', '.join(sorted(names))}\n" for mod, names in sorted(by_mod.items())
    )
    alls = "".join(f'    "{n}",\n' for n in sorted(found))
    (repo / "routes/planning/jobs.py").write_text(
        SERVICES_DOC + "\n" + body + "\n__all__ = [\n" + alls + "]\n"
    )


def publish(repo: Path) -> None:
    write_routes_services(repo)
    add_reexports(repo / "routes/selectors.py", owners(repo, "routes", ROUTES_READS))
    add_reexports(repo / "billing/selectors.py", owners(repo, "billing", BILLING_READS))
    add_reexports(repo / "billing/services/__init__.py", owners(repo, "billing", BILLING_WRITES))


def private(imported: str) -> bool:
    parts = imported.split(".")
    return not (len(parts) == 1 or parts[1] in PUBLIC or ".".join(parts[:2]) in SHARED)


def point_at_surfaces(repo: Path) -> list[Path]:
    surface_names = {}
    for app in (
        "routes",
        "billing",
        "fleet",
        "drivers",
        "dsps",
        "network",
        "analytics",
        "integrations",
        "compliance",
        "supplies",
    ):
        for kind in ("services", "selectors"):
            p = repo / app / f"{kind}.py"
            if not p.exists():
                p = repo / app / kind / "__init__.py"
            if p.exists():
                surface_names[f"{app}.{kind}"] = bound_names(p)
    changed = []
    files = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=repo, capture_output=True, text=True
    ).stdout.split()
    for rel in files:
        top = rel.split("/")[0]
        if (top not in APPS and rel not in ("nextmile/views.py",)) or rel in WIRING:
            continue
        if "/migrations/" in rel:
            continue
        path = repo / rel
        source = path.read_text()
        tree = ast.parse(source)
        edits = []
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                continue
            app = node.module.split(".")[0]
            if app not in APPS or app == top or not private(node.module):
                continue
            if (rel, node.module.split(".")[0] + "." + node.module.split(".")[1]) in SKIP_IMPORTERS:
                continue
            if rel.endswith("/demo.py") and node.module.split(".")[1:2] == ["demo"]:
                continue
            names = [a.name for a in node.names]
            target = None
            for kind in ("services", "selectors"):
                if set(names) <= surface_names.get(f"{app}.{kind}", set()):
                    target = f"{app}.{kind}"
                    break
            if target is None:
                report.append(
                    f"NEEDS SURFACE {rel}:{node.lineno}: from {node.module} import "
                    f"{', '.join(names)}"
                )
                continue
            seg = ast.get_source_segment(source, node)
            edits.append(
                (seg, seg.replace(f"from {node.module} import", f"from {target} import", 1))
            )
        if edits:
            for old, new in edits:
                source = source.replace(old, new, 1)
            path.write_text(source)
            changed.append(path)
    return changed


def facade_inside(repo: Path) -> list[Path]:
    """Inside an app's sub-packages, import from the owning module, not the app's facade."""
    changed = []
    for app in ("routes", "billing"):
        facade = repo / app / "services.py"
        if not facade.exists():
            facade = repo / app / "services/__init__.py"
        owner_of = {}
        for node in ast.parse(facade.read_text()).body:
            if isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    owner_of[a.asname or a.name] = node.module
        for path in sorted((repo / app).rglob("*.py")):
            parts = path.relative_to(repo / app).parts
            if len(parts) < 2 or parts[0] in (
                "web",
                "tasks",
                "services",
                "migrations",
                "optimizer",
            ):
                continue
            source = path.read_text()
            tree = ast.parse(source)
            edits = []
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == f"{app}.services":
                    groups: dict[str, list[str]] = {}
                    for a in node.names:
                        groups.setdefault(owner_of.get(a.name, f"{app}.services"), []).append(
                            a.name if not a.asname else f"{a.name} as {a.asname}"
                        )
                    new = "\n".join(f"from {m} import {', '.join(n)}" for m, n in groups.items())
                    edits.append((ast.get_source_segment(source, node), new))
            if edits:
                for old, new in edits:
                    source = source.replace(old, new, 1)
                path.write_text(source)
                changed.append(path)
    return changed


def main() -> int:
    repo = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    publish(repo)
    changed = point_at_surfaces(repo) + facade_inside(repo)
    targets = [str(p) for p in changed] + [
        str(repo / "routes/planning/jobs.py"),
        str(repo / "routes/selectors.py"),
        str(repo / "billing/selectors.py"),
        str(repo / "billing/services/__init__.py"),
    ]
    ruff = str(repo / ".venv/bin/ruff")
    subprocess.run(
        [ruff, "check", "--fix", "--select", "I,F401,F811", "--quiet", *targets], cwd=repo
    )
    subprocess.run([ruff, "format", "--quiet", *targets], cwd=repo)
    for line in report:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
