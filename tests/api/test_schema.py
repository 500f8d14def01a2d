"""The published schema: what a generated client is built from."""

from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate


def _schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_path_parameter_is_in_its_path_once():
    # given / when
    paths = _schema()["paths"]
    # then: a parameter the URL does not carry breaks every generated client
    wrong = []
    for path, operations in paths.items():
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if sorted(names) != sorted({n for n in names if "{" + n + "}" in path}) or len(
                names
            ) != len(set(names)):
                wrong.append((method, path, names))
    assert wrong == []


def test_api_keys_are_the_documented_bearer_scheme():
    schemes = _schema()["components"]["securitySchemes"]
    assert schemes["apiKey"]["type"] == "http"
    assert schemes["apiKey"]["scheme"] == "bearer"


def test_the_schema_is_valid_openapi():
    # given / when / then: raises on anything a client generator would reject
    validate(_schema())


def _operations():
    for path, operations in _schema()["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_each_operation_takes_one_content_type_multipart_only_for_files():
    # given / when
    bodies = {
        (method, path): sorted(operation["requestBody"]["content"])
        for path, method, operation in _operations()
        if "requestBody" in operation
    }
    # then
    assert {tuple(types) for types in bodies.values()} == {
        ("application/json",),
        ("multipart/form-data",),
    }
    assert bodies[("post", "/api/v1/manifests/import/")] == ["multipart/form-data"]
    assert bodies[("post", "/api/v1/plan-jobs/")] == ["application/json"]


def test_operations_are_tagged_by_app_with_versioned_ids():
    # given / when
    operations = list(_operations())
    # then
    assert [
        op["operationId"] for _, _, op in operations if not op["operationId"].startswith("v1_")
    ] == []
    assert [(m, p) for p, m, op in operations if len(op.get("tags", [])) != 1] == []
    tags = {op["tags"][0] for _, _, op in operations}
    assert {"routes", "billing", "fleet", "dsps", "analytics"} <= tags
    assert "v1" not in tags


def test_errors_are_one_shared_component_referenced_by_every_operation():
    # given
    schema = _schema()
    # when
    copies = [
        (method, path, status)
        for path, method, operation in _operations()
        for status in ("400", "401", "403", "404")
        if "$ref" not in operation["responses"][status]
        and path != "/api/v1/manifests/import/"  # its 400 lists the rows at fault
    ]
    # then
    assert copies == []
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    assert schema["components"]["responses"]["NotFound"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/Error"}


def test_a_refusal_carries_its_stable_code(client, owner):
    # given: signed in, asking for a route that does not exist
    client.force_login(owner)
    # when
    response = client.get("/api/v1/routes/999999/")
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_anonymous_request_says_not_authenticated(client, db):
    response = client.get("/api/v1/routes/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
