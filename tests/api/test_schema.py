"""The published schema: what a generated client is built from."""

from drf_spectacular.generators import SchemaGenerator


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
