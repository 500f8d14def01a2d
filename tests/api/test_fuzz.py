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

# Each generated request goes out as the next role in turn, so every operation is tried by
# every role EXAMPLES_PER_OPERATION / 4 times (the suite must stay under 15 minutes).
EXAMPLES_PER_OPERATION = 8
# What a client relies on: no 5xx, and status, content type and body as documented. (Whether
# a lenient filter accepts an empty value is not checked; refusal without credentials is
# tested in tests/dsps/test_api.py.)
ROLE_TURN = itertools.cycle(["staff", "owner", "dispatcher", "driver"])
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


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_answers_every_role_within_its_schema(case, role_tokens):
    role = next(ROLE_TURN)
    case.call_and_validate(headers={"Authorization": f"Token {role_tokens[role]}"}, checks=CHECKS)
