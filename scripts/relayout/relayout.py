#!/usr/bin/env python3
"""Re-lay routes/ and billing/ as sub-domain packages, on any checkout of NextMile.

Usage: relayout.py [REPO]   (default: current directory; the work tree must be clean)

What it does, in order:
1. `git mv`s whole files and folders into the new tree (MOVES below) and gives every new
   package an `__init__.py` with a docstring. Files it does not know under routes/ or billing/
   are mapped by RULES (e.g. `routes/tasks_*.py` -> `routes/tasks/*.py`) or left in place and
   listed at the end.
2. In routes/ and billing/, turns every relative import into an absolute one (resolved against
   the module's OLD name), so moving files cannot break them.
3. Rewrites every dotted name of a moved module, everywhere: imports, `mock.patch` strings,
   settings, URL includes, logger names, pyproject contracts, docs, bench, tests. Migrations are
   left alone (they only name app labels). Celery task `name=`s are strings like
   `routes.plan_run_solve` that never equal a module, so they keep their names.
4. Fixes `from <package> import <module>` where the module moved out of that package.
5. Rewrites file paths of moved modules in Markdown and text files (`routes/day/assignment.py`).
6. ruff: sorts imports and formats the touched Python files; then commits.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

# old path -> new path (files or whole folders). Models, apps, admin, conf, signals, selectors,
# demo, the optimiser and migrations stay where they are.
MOVES: list[tuple[str, str]] = [
    # routes: manifests
    ("routes/manifests/imports.py", "routes/manifests/imports.py"),
    ("routes/manifests/allocation.py", "routes/manifests/allocation.py"),
    # routes: planning (the day problem, availability, plan jobs and stop edits)
    ("routes/planning/problem.py", "routes/planning/problem.py"),
    ("routes/planning/availability.py", "routes/planning/availability.py"),
    ("routes/planning/rounds.py", "routes/planning/rounds.py"),
    ("routes/planning/jobs.py", "routes/planning/jobs.py"),
    # routes: the day of delivery
    ("routes/day/assignment.py", "routes/day/assignment.py"),
    ("routes/day/deliveries.py", "routes/day/deliveries.py"),
    ("routes/day/tracking.py", "routes/day/tracking.py"),
    ("routes/day/messages.py", "routes/day/messages.py"),
    ("routes/day/sms.py", "routes/day/sms.py"),
    ("routes/day/outbox.py", "routes/day/outbox.py"),
    # routes: the rules every part reads (worked hours, package and stop state)
    ("routes/rules/hours.py", "routes/rules/hours.py"),
    ("routes/rules/outcomes.py", "routes/rules/outcomes.py"),
    ("routes/rules/ev_range.py", "routes/rules/ev_range.py"),
    # routes: live progress and pings; re-planning after disruptions
    ("routes/live/progress.py", "routes/live/progress.py"),
    ("routes/replan/disruptions.py", "routes/replan/disruptions.py"),
    ("routes/replan/changes.py", "routes/replan/changes.py"),
    # routes: Celery tasks
    ("routes/tasks/planning.py", "routes/tasks/planning.py"),
    ("routes/tasks/day.py", "routes/tasks/day.py"),
    ("routes/tasks/retention.py", "routes/tasks/retention.py"),
    # routes: the web layer
    ("routes/views", "routes/web/views"),
    ("routes/api", "routes/web/api"),
    ("routes/urls", "routes/web/urls"),
    ("routes/web/forms.py", "routes/web/forms.py"),
    ("routes/web/serializers.py", "routes/web/serializers.py"),
    ("routes/web/panels.py", "routes/web/panels.py"),
    ("routes/web/panels_live.py", "routes/web/panels_live.py"),
    # billing: scorecards
    ("billing/scorecards/metrics.py", "billing/scorecards/metrics.py"),
    ("billing/scorecards/generate.py", "billing/scorecards/generate.py"),
    # billing: statements (rates, lines, the statement's life, disputes, the weekly close)
    ("billing/statements/rates.py", "billing/statements/rates.py"),
    ("billing/statements/lines.py", "billing/statements/lines.py"),
    ("billing/statements/lifecycle.py", "billing/statements/lifecycle.py"),
    ("billing/statements/disputes.py", "billing/statements/disputes.py"),
    ("billing/statements/week_close.py", "billing/statements/week_close.py"),
    ("billing/statements/exports.py", "billing/statements/exports.py"),
    # billing: driver pay
    ("billing/pay/week.py", "billing/pay/week.py"),
    # billing: the owner's finances
    ("billing/finances/expenses.py", "billing/finances/expenses.py"),
    ("billing/finances/owner_settings.py", "billing/finances/owner_settings.py"),
    ("billing/finances/projection.py", "billing/finances/projection.py"),
    ("billing/finances/market.py", "billing/finances/market.py"),
    # billing: the web layer
    ("billing/web/views.py", "billing/web/views.py"),
    ("billing/web/api.py", "billing/web/api.py"),
    ("billing/web/urls.py", "billing/web/urls.py"),
    ("billing/web/forms.py", "billing/web/forms.py"),
    ("billing/web/serializers.py", "billing/web/serializers.py"),
    ("billing/web/panels.py", "billing/web/panels.py"),
    ("billing/web/pay_views.py", "billing/web/pay_views.py"),
    ("billing/web/pay_api.py", "billing/web/pay_api.py"),
]

# Files that stay at an app's root (its surface and its wiring).
STAY = {
    "routes": {
        "__init__",
        "apps",
        "admin",
        "models",
        "conf",
        "signals",
        "selectors",
        "demo",
        "services",
    },
    "billing": {"__init__", "apps", "admin", "models", "selectors", "demo", "tasks", "services"},
}

# Unknown new files: a rule by name, else left in place and listed.
RULES: list[tuple[str, str]] = [
    (r"^routes/tasks_(\w+)\.py$", r"routes/tasks/\1.py"),
    (r"^routes/panels_(\w+)\.py$", r"routes/web/panels_\1.py"),
    (r"^routes/(\w+)_views\.py$", r"routes/web/views/\1.py"),
    (r"^routes/(\w+)_api\.py$", r"routes/web/api/\1.py"),
    (r"^billing/(\w+)_views\.py$", r"billing/web/\1_views.py"),
    (r"^billing/(\w+)_api\.py$", r"billing/web/\1_api.py"),
]

PACKAGE_DOCS = {
    "routes/manifests": "Manifests: the import of a day's packages into stops, and their "
    "allocation to DSP territories.",
    "routes/planning": "Planning: the day problem for the solver, DSP availability, plan jobs "
    "and their runs, and edits of planned routes.",
    "routes/day": "The day of delivery: assignment, punches and shifts, deliveries and scans, "
    "tracking links, messages and SMS.",
    "routes/live": "Live: location pings, progress, pace and ETAs computed on read.",
    "routes/replan": "Re-planning: disruptions, re-plan jobs, proposals and their application.",
    "routes/tasks": "Celery tasks of routes: ids in, one service call. Importing this package "
    "registers them all: Celery's autodiscovery imports the package.",
    "routes/rules": "The rules every part of routes (and billing and analytics, through "
    "`routes.selectors`) reads: worked hours from punches, package and stop state from events. "
    "Pure functions of rows; no queries.",
    "routes/web": "The web layer of routes: pages, API views, URL patterns, forms, serializers "
    "and home-page panels.",
    "billing/scorecards": "Scorecards: the weekly metrics, tiers and their stored cards.",
    "billing/statements": "Statements: rate cards and thresholds, the lines a statement is built "
    "from, its life (draft, approved, paid), disputes, the weekly close and its exports.",
    "billing/pay": "Driver pay: the pay week, incentives and pay questions.",
    "billing/finances": "The owner's finances: expenses, settings, the cash projection and the "
    "market assessment.",
    "billing/web": "The web layer of billing: pages, API views, URL patterns, forms, serializers "
    "and home-page panels.",
}

TEXT_SUFFIXES = {".md", ".txt", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".sh", ".rst", ".json"}
TEXT_NAMES = {"Makefile", "Dockerfile"}


def git(*args: str, cwd: Path, capture: bool = True) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, check=True, text=True, capture_output=capture)
    return out.stdout if capture else ""


def modname(path: str) -> str:
    p = path[:-3] if path.endswith(".py") else path
    if p.endswith("/__init__"):
        p = p[: -len("/__init__")]
    return p.replace("/", ".")


def plan_moves(repo: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """The moves that apply to this checkout, plus unknown files mapped by a rule or left."""
    moves, left = [], []
    known_old = {old for old, _ in MOVES}
    for old, new in MOVES:
        if (repo / old).exists():
            moves.append((old, new))
        else:
            left.append(f"not in this checkout: {old}")
    for app in ("routes", "billing"):
        for f in sorted((repo / app).glob("*.py")):
            rel = f"{app}/{f.name}"
            if rel in known_old or f.stem in STAY[app]:
                continue
            for pattern, target in RULES:
                if re.match(pattern, rel):
                    moves.append((rel, re.sub(pattern, target, rel)))
                    left.append(f"mapped by rule: {rel} -> {moves[-1][1]}")
                    break
            else:
                left.append(f"unknown, left in place: {rel}")
    services = repo / "billing/services"
    if services.is_dir():
        for f in sorted(services.glob("*.py")):
            rel = f"billing/services/{f.name}"
            if rel not in known_old and f.name != "__init__.py":
                left.append(f"unknown, left in place: {rel}")
    return moves, left


def module_map(repo: Path, moves: list[tuple[str, str]]) -> dict[str, str]:
    """old dotted module -> new dotted module, for every moved module (folders expanded)."""
    mapping = {}
    for old, new in moves:
        src = repo / new  # after the move
        if src.is_dir():
            mapping[modname(old)] = modname(new)
            for f in src.rglob("*.py"):
                rel = f.relative_to(repo / new).as_posix()
                mapping[modname(f"{old}/{rel}")] = modname(f"{new}/{rel}")
        else:
            mapping[modname(old)] = modname(new)
    return mapping


def docstring(text: str) -> str:
    return '"""' + "\n".join(textwrap.wrap(text, 93)) + '"""\n'


def do_moves(repo: Path, moves: list[tuple[str, str]]) -> None:
    for old, new in moves:
        (repo / new).parent.mkdir(parents=True, exist_ok=True)
        git("mv", old, new, cwd=repo)
    for pkg, doc in PACKAGE_DOCS.items():
        init = repo / pkg / "__init__.py"
        if (repo / pkg).is_dir() and not init.exists():
            init.write_text(docstring(doc))
    tasks_init = repo / "routes/tasks/__init__.py"
    if tasks_init.exists():
        mods = sorted(p.stem for p in (repo / "routes/tasks").glob("*.py") if p.stem != "__init__")
        doc = PACKAGE_DOCS["routes/tasks"]
        tasks_init.write_text(docstring(doc) + f"\nfrom . import {', '.join(mods)}  # noqa: F401\n")
    git("add", "-A", "routes", "billing", cwd=repo)


def python_files(repo: Path) -> list[Path]:
    files = git("ls-files", "*.py", cwd=repo).split()
    return [repo / f for f in files if "/migrations/" not in f and (repo / f).exists()]


def text_files(repo: Path) -> list[Path]:
    out = []
    for f in git("ls-files", cwd=repo).split():
        p = repo / f
        if p.exists() and (p.suffix in TEXT_SUFFIXES or p.name in TEXT_NAMES):
            out.append(p)
    return out


def replace_spans(source: str, edits: list[tuple[int, int, int, int, str]]) -> str:
    """Apply (line, col, end_line, end_col, text) edits (1-based lines) from the end."""
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def pos(line: int, col: int) -> int:
        # ast columns are UTF-8 byte offsets
        text = lines[line - 1].encode()[:col].decode()
        return offsets[line - 1] + len(text)

    for line, col, end_line, end_col, text in sorted(edits, reverse=True):
        a, b = pos(line, col), pos(end_line, end_col)
        source = source[:a] + text + source[b:]
    return source


def absolutise(path: Path, old_module: str, is_package: bool) -> str:
    """Relative imports -> absolute ones, resolved against the module's OLD dotted name."""
    source = path.read_text()
    tree = ast.parse(source)
    base = old_module.split(".") if is_package else old_module.split(".")[:-1]
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            parent = base[: len(base) - (node.level - 1)]
            module = ".".join(parent + ([node.module] if node.module else []))
            segment = ast.get_source_segment(source, node)
            new = re.sub(r"^from\s+\.[\w.]*\s+import\b", f"from {module} import", segment)
            edits.append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, new))
    if edits:
        source = replace_spans(source, edits)
    return source


def dotted_regex(mapping: dict[str, str]) -> re.Pattern:
    names = sorted(mapping, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])")


def rename_dotted(text: str, mapping: dict[str, str], pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: mapping[m.group(1)], text)


def fix_from_imports(source: str, mapping: dict[str, str]) -> str:
    """`from routes import live` -> `from routes.live.progress import progress as live`."""
    tree = ast.parse(source)
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        if not any(f"{node.module}.{a.name}" in mapping for a in node.names):
            continue
        groups: dict[str, list[str]] = {}
        for a in node.names:
            full = f"{node.module}.{a.name}"
            if full in mapping:
                parent, _, leaf = mapping[full].rpartition(".")
                bound = a.asname or a.name
                groups.setdefault(parent, []).append(
                    leaf if leaf == bound else f"{leaf} as {bound}"
                )
            else:
                groups.setdefault(node.module, []).append(
                    a.name if not a.asname else f"{a.name} as {a.asname}"
                )
        indent = " " * node.col_offset
        stmts = [f"from {mod} import {', '.join(names)}" for mod, names in groups.items()]
        edits.append(
            (
                node.lineno,
                node.col_offset,
                node.end_lineno,
                node.end_col_offset,
                ("\n" + indent).join(stmts),
            )
        )
    return replace_spans(source, edits) if edits else source


def path_map(mapping: dict[str, str], moves: list[tuple[str, str]]) -> list[tuple[re.Pattern, str]]:
    pairs = []
    for old, new in moves:
        if old.endswith(".py"):
            pairs.append((old, new))
        else:
            pairs.append((old + "/", new + "/"))
    pairs.sort(key=lambda p: len(p[0]), reverse=True)
    return [
        (re.compile(r"(?<![\w/.])" + re.escape(o) + (r"(?![\w])" if o.endswith(".py") else "")), n)
        for o, n in pairs
    ]


def main() -> int:
    repo = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    if git("status", "--porcelain", cwd=repo).strip():
        print("the work tree is not clean", file=sys.stderr)
        return 1
    moves, left = plan_moves(repo)
    do_moves(repo, moves)
    mapping = module_map(repo, moves)
    reverse = {new: old for old, new in mapping.items()}
    pattern = dotted_regex(mapping)
    paths = path_map(mapping, moves)

    changed = []
    for path in python_files(repo):
        rel = path.relative_to(repo).as_posix()
        original = path.read_text()
        source = original
        if rel.split("/")[0] in ("routes", "billing") and not rel.startswith("routes/optimizer/"):
            new_mod = modname(rel)
            old_mod = reverse.get(new_mod, new_mod)
            if "/tasks/__init__" not in rel or rel.startswith("billing"):
                source = absolutise(path, old_mod, rel.endswith("__init__.py"))
        source = rename_dotted(source, mapping, pattern)
        source = fix_from_imports(source, mapping)
        for rx, new in paths:
            source = rx.sub(new, source)
        if source != original:
            path.write_text(source)
            changed.append(path)
    for path in text_files(repo):
        original = path.read_text()
        text = rename_dotted(original, mapping, pattern)
        for rx, new in paths:
            text = rx.sub(new, text)
        if text != original:
            path.write_text(text)
    ruff = repo / ".venv/bin/ruff"
    if changed and ruff.exists():
        names = [str(p) for p in changed]
        subprocess.run([str(ruff), "check", "--fix", "--select", "I", "--quiet", *names], cwd=repo)
        subprocess.run([str(ruff), "format", "--quiet", *names], cwd=repo)
    git("add", "-A", cwd=repo)
    body = "\n".join(f"{o} -> {n}" for o, n in moves)
    git(
        "commit",
        "-q",
        "-m",
        "routes, billing: Re-lay the apps as sub-domain packages.\n\n"
        "Whole files moved by a script; imports, dotted names and paths rewritten.\n\n" + body,
        cwd=repo,
    )
    for line in left:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
