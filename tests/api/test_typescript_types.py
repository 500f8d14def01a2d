"""TypeScript types from the published schema: openapi-typescript must accept it as it is."""

import json
import subprocess
from pathlib import Path

from drf_spectacular.generators import SchemaGenerator

ROOT = Path(__file__).resolve().parents[2]
OPENAPI_TYPESCRIPT = ROOT / "node_modules" / ".bin" / "openapi-typescript"


def test_openapi_typescript_generates_the_types_without_errors(tmp_path):
    # given: the schema as /api/schema/ publishes it, and the pinned tool (`make install`)
    assert OPENAPI_TYPESCRIPT.exists(), "run `make install` (npm ci) to get openapi-typescript"
    schema = SchemaGenerator().get_schema(request=None, public=True)
    (tmp_path / "schema.json").write_text(json.dumps(schema, default=str))
    # when
    run = subprocess.run(
        [OPENAPI_TYPESCRIPT, "schema.json", "--output", "nextmile.ts"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then: no errors, and the operations an integrator starts with are typed
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in run.stderr.lower(), run.stderr
    types = (tmp_path / "nextmile.ts").read_text()
    for operation in (
        "v1_manifests_import_create",
        "v1_plan_jobs_create",
        "v1_routes_packages_list",
        "v1_day_events_create",
        "v1_statements_pdf_retrieve",
    ):
        assert f"    {operation}: {{" in types, operation
    assert '"application/pdf": string;' in types
