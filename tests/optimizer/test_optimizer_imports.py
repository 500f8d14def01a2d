"""The optimiser stays a plain library: no Django, no other project module."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "routes" / "optimizer"
PROJECT = {
    *("nextmile", "dsps", "fleet", "drivers", "routes", "billing", "network", "analytics"),
    *("integrations", "compliance", "supplies", "tests"),
}
FORBIDDEN = {"django", "rest_framework", "celery"} | PROJECT


def _imports(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def test_the_package_has_modules_to_check():
    assert len(list(PACKAGE.rglob("*.py"))) >= 10


def test_no_module_imports_django_or_the_project():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for name, level in _imports(path):
            if level == 0 and name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert offenders == []


def test_the_ast_walk_would_see_a_forbidden_import(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("def f():\n    from django.db import models\n    import fleet.models\n")
    assert [n for n, _ in _imports(sample)] == ["django.db", "fleet.models"]
