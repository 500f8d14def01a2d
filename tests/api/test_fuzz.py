"""Schemathesis against the live OpenAPI schema, signed in as each role.

Bounded: a fixed number of generated examples per operation and role. Asserts no 5xx and
that every response matches the schema (status code, content type, body).
"""

import itertools
import re
from urllib.parse import urlencode

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dsps.models import Role
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import MembershipFactory, StaffFactory
from tests.fleet.factories import LeaseFactory, VehicleFactory, VehicleOfferFactory
from tests.routes.factories import route_with_packages

# An operation's first generated request goes out as every role; each later one as the next
# role in turn, so every operation is tried by every role even when its inputs allow only one
# example (the suite must stay under 15 minutes).
EXAMPLES_PER_OPERATION = 4
ROLES = ["staff", "owner", "dispatcher", "driver"]
# What a client relies on: no 5xx, and status, content type and body as documented. (Whether
# a lenient filter accepts an empty value is not checked; refusal without credentials is
# tested in tests/dsps/test_api.py.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The schema view needs no database; pytest-django has set Django up before import.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def in_process_wsgi():
    # The WSGI handler closes the connection after each request, which would end the test's
    # transaction; Django's test client detaches the same handlers.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def role_tokens(db, in_process_wsgi):
    """A token per role, over a small world with rows of two DSPs."""
    owner = MembershipFactory(role=Role.OWNER)
    dispatcher = MembershipFactory(role=Role.DISPATCHER, dsp=owner.dsp)
    driver = MembershipFactory(role=Role.DRIVER, dsp=owner.dsp)
    DriverFactory(dsp=owner.dsp, user=driver.user)
    VehicleFactory(dsp=owner.dsp)
    VehicleFactory()
    users = {
        "staff": StaffFactory().user,
        "owner": owner.user,
        "dispatcher": dispatcher.user,
        "driver": driver.user,
    }
    return {role: Token.objects.create(user=user).key for role, user in users.items()}


@pytest.fixture
def role_turn():
    """Per operation: is this the first example, and whose turn it is after that."""
    return {
        "first": itertools.chain([True], itertools.repeat(False)),
        "cycle": itertools.cycle(ROLES[1:] + ROLES[:1]),
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_answers_every_role_within_its_schema(case, role_tokens, role_turn):
    roles = ROLES if next(role_turn["first"]) else [next(role_turn["cycle"])]
    for role in roles:
        case.call_and_validate(
            headers={"Authorization": f"Token {role_tokens[role]}"}, checks=CHECKS
        )


def test_the_fuzzed_scope_is_every_operation():
    operations = [result.ok() for result in schema.get_all_operations()]
    print(
        f"API fuzz: {len(operations)} operations × up to {EXAMPLES_PER_OPERATION} examples; "
        f"the first as all {len(ROLES)} roles, then one role each: up to "
        f"{len(operations) * (EXAMPLES_PER_OPERATION + len(ROLES) - 1)} requests"
    )
    assert operations


FAR_DAYS = ["0001-01-01", "9999-12-31"]


def _date_query_params(operation) -> list[str]:
    return [
        p["name"]
        for p in operation.definition.raw.get("parameters", [])
        if p.get("in") == "query" and p.get("schema", {}).get("format") == "date"
    ]


def test_far_dates_in_every_date_query_get_no_server_error_as_any_role(role_tokens):
    # given: every operation with a date in its query string
    operations = [result.ok() for result in schema.get_all_operations()]
    dated = [(op, _date_query_params(op)) for op in operations]
    dated = [(op, names) for op, names in dated if names and "{" not in op.path]
    assert dated  # the dispatch board, pay and network endpoints at least
    failures = []
    # when: each is asked for a far day as each role
    for (op, names), day, role in itertools.product(dated, FAR_DAYS, ROLES):
        case = op.Case(query=dict.fromkeys(names, day))
        response = case.call(headers={"Authorization": f"Token {role_tokens[role]}"})
        if response.status_code >= 500:
            failures.append(f"{role} {op.method.upper()} {op.path}?{names[0]}={day}")
    # then
    assert failures == []


FAR_MOMENTS = {"0001-01-01": "0001-01-01T00:00:00Z", "9999-12-31": "9999-12-31T23:59:59Z"}
ORDINARY_DAY = "2026-12-07"
MANIFEST = b"tracking_id,recipient_name,address,latitude,longitude\nF1,A,1 Main St,32.8,-96.8\n"


@pytest.fixture
def world_tokens(role_tokens):
    """The role tokens over a world where each DSP role owns something of every kind a dated
    operation names by id: a route with stops and packages, a van under lease, a van offer."""
    dsp = Token.objects.get(key=role_tokens["owner"]).user.membership.dsp
    route_with_packages(dsp=dsp, stops=2)
    LeaseFactory(dsp=dsp, vehicle=VehicleFactory(dsp=dsp))
    VehicleOfferFactory()
    return role_tokens


def _resolve(node: dict, components: dict) -> dict:
    while "$ref" in node:
        node = components[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _is_date(name: str, node: dict) -> bool:
    return node.get("format") == "date" or (
        node.get("type") == "string" and "format" not in node and name in ("date", "week")
    )


def _sample(node: dict, day: str, an_id: int):
    """A plausible value for one body field, so that validation reaches the dates."""
    kind = node.get("type")
    if "enum" in node:
        return node["enum"][0]
    if node.get("format") == "date":
        return day
    if node.get("format") == "date-time":
        return f"{day}T12:00:00Z"
    if node.get("format") == "email":
        return "someone@example.com"
    if node.get("format") == "decimal":
        return "1.00"
    if node.get("format") == "binary":
        return SimpleUploadedFile("manifest.csv", MANIFEST, content_type="text/csv")
    return {"integer": an_id, "number": "1.00", "boolean": False, "array": [], "object": {}}.get(
        kind, "x"
    )


def _dated_requests(path: str, method: str, operation: dict, components: dict, an_id: int):
    """(query, body, media type) per far day and dated field: one field far, the rest ordinary."""
    query_dates = [
        p["name"]
        for p in operation.get("parameters", [])
        if p.get("in") == "query" and _is_date(p["name"], p.get("schema", {}))
    ]
    content = operation.get("requestBody", {}).get("content", {})
    media = next(iter(content), None)
    body_schema = _resolve(content[media]["schema"], components) if media else {}
    properties = {
        name: _resolve(node, components)
        for name, node in body_schema.get("properties", {}).items()
        if not _resolve(node, components).get("readOnly")
    }
    body_dates = [
        name for name, node in properties.items() if node.get("format") in ("date", "date-time")
    ]
    for day in FAR_DAYS:
        for name in query_dates:
            yield {name: day}, None, None
        for name in body_dates:
            far = FAR_MOMENTS[day] if properties[name].get("format") == "date-time" else day
            base = {key: _sample(node, ORDINARY_DAY, an_id) for key, node in properties.items()}
            yield {}, {**base, name: far}, media


def _own_ids(client, path: str) -> list[int]:
    """Ids the signed-in role sees in the collection the operation's path starts with."""
    response = client.get(path.split("{", 1)[0])
    if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
        return []
    data = response.json()
    rows = data.get("results", []) if isinstance(data, dict) else data
    return [row["id"] for row in rows if isinstance(row, dict) and "id" in row][:1]


def test_far_dates_in_every_dated_query_and_body_get_no_server_error_as_any_role(world_tokens):
    # given: every operation with a date in its query string or its request body, path
    # parameters filled with an id of the role's own objects
    generated = SchemaGenerator().get_schema(request=None, public=True)
    components = generated["components"]["schemas"]
    failures, tried, answers = [], set(), {}
    for role, (path, methods) in itertools.product(ROLES, generated["paths"].items()):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {world_tokens[role]}")
        ids = _own_ids(client, path) if "{" in path else []
        url = re.sub(r"\{[^}]+\}", str(ids[0] if ids else 1), path)
        for method, operation in methods.items():
            requests = _dated_requests(path, method, operation, components, ids[0] if ids else 1)
            # when: each is asked for a far day, one dated field at a time
            for query, body, media in requests:
                tried.add((method, path))
                kwargs = {"format": "multipart" if "multipart" in (media or "") else "json"}
                response = getattr(client, method)(
                    url + ("?" + urlencode(query) if query else ""), body, **kwargs
                )
                if "{" in path:
                    answers[(role, method, path)] = response.status_code
                if response.status_code >= 500:
                    failures.append(f"{role} {method.upper()} {url} {query or body}")
    # then: dated paths with ids and dated bodies were tried, and none gave a 5xx
    assert ("post", "/api/v1/plan-jobs/") in tried
    # the ids were the owner's own: the far day itself was refused, not a missing object
    assert answers[("owner", "post", "/api/v1/leases/{id}/return/")] == 400
    assert failures == []
