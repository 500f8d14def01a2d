#!/usr/bin/env python3
"""Move every import inside a function to the top of its module, unless a comment explains it;
give AppConfig.ready's imports the comment that says why. Re-runnable; then ruff sorts.

Usage: hoist.py [REPO]
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

APPS = [
    "nextmile",
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
READY_COMMENT = (
    "        # Imported here: these modules use models, which load only after every AppConfig.\n"
)


def explained(lines: list[str], node, covered: set[int]) -> bool:
    at = node.lineno
    if "#" in lines[at - 1]:
        return True
    while at > 1:
        at -= 1
        text = lines[at - 1].strip()
        if text.startswith("#"):
            return True
        if text and at not in covered:
            return False
    return False


def hoist(path: Path) -> bool:
    source = path.read_text()
    if path.name == "apps.py" and "    def ready(self" in source:
        source2 = re.sub(
            r"(    def ready\(self\)[^\n]*:\n)(        (from|import) )",
            lambda m: m.group(1) + READY_COMMENT + m.group(2),
            source,
            count=1,
        )
        if READY_COMMENT not in source:
            source = source2
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    plain = [line.rstrip("\n") for line in lines]
    moved, drop = [], set()
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        imports = [n for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom)]
        covered = {i for n in imports for i in range(n.lineno, n.end_lineno + 1)}
        for imp in imports:
            if explained(plain, imp, covered):
                continue
            # only imports that are whole statements of the function body (not under if/try)
            if imp not in fn.body:
                continue
            moved.append(
                ast.get_source_segment(source, imp).replace("\n" + " " * imp.col_offset, "\n")
            )
            drop.update(range(imp.lineno, imp.end_lineno + 1))
    if not moved:
        if source != path.read_text():
            path.write_text(source)
            return True
        return False
    out = []
    for i, line in enumerate(lines, start=1):
        if i in drop:
            continue
        # a blank line left right after the removed imports at the top of a body
        if (
            line.strip() == ""
            and (i - 1) in drop
            and out
            and (out[-1].rstrip().endswith(":") or out[-1].strip().endswith('"""'))
        ):
            continue
        out.append(line)
    text = "".join(out)
    m = re.search(r"^(from|import) (?!__future__)", text, re.M)
    block = "".join(s + "\n" for s in dict.fromkeys(moved))
    if m is None:
        m = re.search(r"^(?!\s*$)(?!\"\"\"|#|from __future__)", text, re.M)
    text = text[: m.start()] + block + text[m.start() :]
    path.write_text(text)
    return True


def main() -> int:
    repo = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    changed = []
    for app in APPS:
        for path in sorted((repo / app).rglob("*.py")):
            if "migrations" in path.parts or "optimizer" in path.parts:
                continue
            if hoist(path):
                changed.append(str(path))
    if changed:
        ruff = repo / ".venv/bin/ruff"
        subprocess.run(
            [str(ruff), "check", "--fix", "--select", "I,F811", "--quiet", *changed], cwd=repo
        )
        subprocess.run([str(ruff), "format", "--quiet", *changed], cwd=repo)
    print("\n".join(changed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
