"""Apps talk to each other through their published surfaces, and modules import at the top.

Another app may import only an app's `models` (foreign keys), `selectors` (reads), `services`
(writes) and `signals`; dsps also shares its tenancy, home-page, onboarding and geometry modules.
These tests read the real import graph, so a new private module is caught without a list to
keep (import-linter's contracts in pyproject.toml say the same with names, for `lint-imports`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import grimp
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
APPS = tuple(settings.PROJECT_APPS)
PUBLIC = {"models", "selectors", "services", "signals"}
SHARED = {"dsps.tenancy", "dsps.home", "dsps.onboarding", "dsps.geometry", "dsps.calendar"}
# The project's wiring mounts every app's URLs and tasks.
WIRING = {"nextmile.urls", "nextmile.celery"}
# Demo data builds on other apps' demo data; the analytics history replays routes' demo streets.
EXCEPTIONS = {("analytics.history", "routes.demo")}


def _is_public(importer: str, imported: str) -> bool:
    parts = imported.split(".")
    if len(parts) == 1 or parts[1] in PUBLIC or ".".join(parts[:2]) in SHARED:
        return True
    if importer.split(".")[1:2] == ["demo"] and parts[1] == "demo":
        return True
    return any(importer.startswith(a) and imported.startswith(b) for a, b in EXCEPTIONS)


def private_imports(graph: grimp.ImportGraph, apps: Iterable[str]) -> list[str]:
    """Every direct import of another app's non-public module, as `importer -> imported`."""
    apps = set(apps)
    found = []
    for importer in sorted(graph.modules):
        app = importer.split(".")[0]
        if app not in apps and app != "nextmile":
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            other = imported.split(".")[0]
            if other not in apps or other == app or importer in WIRING:
                continue
            if app == "nextmile" or not _is_public(importer, imported):
                found.append(f"{importer} -> {imported}")
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("nextmile", *APPS)


def test_no_app_imports_another_apps_private_module(graph):
    # the graph is the real one: billing reads routes' models and selectors
    assert "routes.models" in graph.find_modules_directly_imported_by("billing.selectors")
    assert private_imports(graph, APPS) == []


def test_the_check_names_an_import_of_a_private_module():
    graph = grimp.ImportGraph()
    for module in ("billing.pay", "routes.day.assignment", "routes.selectors", "nextmile.views"):
        graph.add_module(module)
    graph.add_import(importer="billing.pay", imported="routes.selectors")
    graph.add_import(importer="billing.pay", imported="routes.day.assignment")
    graph.add_import(importer="nextmile.views", imported="routes.selectors")
    assert private_imports(graph, ["billing", "routes"]) == [
        "billing.pay -> routes.day.assignment",
        "nextmile.views -> routes.selectors",
    ]


def function_level_imports(source: str) -> list[int]:
    """Lines of imports inside a function that no comment explains: the comment stands on the
    import's line or above its run of imports."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        imports = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
        covered = {i for n in imports for i in range(n.lineno, n.end_lineno + 1)}
        for imp in imports:
            at = imp.lineno
            explained = "#" in lines[at - 1]
            while not explained and at > 1:
                at -= 1
                text = lines[at - 1].strip()
                if text.startswith("#"):
                    explained = True
                elif text and at not in covered:
                    break
            if not explained:
                found.append(imp.lineno)
    return sorted(set(found))


def test_modules_import_at_the_top_unless_a_comment_says_why():
    offenders = []
    for app in ("nextmile", *APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for line in function_level_imports(path.read_text()):
                offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == []


def test_the_import_check_names_a_function_level_import():
    source = (
        "def ready(self):\n"
        "    # Django loads models after every AppConfig.\n"
        "    from . import panels\n"
        "\n"
        "\n"
        "    from .signals import route_event\n"
        "\n"
        "def hours():\n"
        "    x = 1\n"
        "    from routes.day import assignment\n"
    )
    assert function_level_imports(source) == [10]
