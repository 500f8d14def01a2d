"""Schemathesis against the live OpenAPI schema, signed in as each role.

Bounded: a fixed number of generated examples per operation and role. Asserts no 5xx and
that every response matches the schema (status code, content type, body).
"""

import itertools

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dsps.models import Role
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import MembershipFactory, StaffFactory
from tests.fleet.factories import VehicleFactory

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
