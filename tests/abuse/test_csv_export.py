"""Every CSV the app hands out opens as text in a spreadsheet, never as a formula."""

import csv
import io

import pytest
from django.urls import reverse

from dsps.models import Role
from nextmile.csvsafe import safe_cell, safe_row
from tests.dsps.factories import MembershipFactory
from tests.routes.factories import RouteStopFactory

pytestmark = pytest.mark.django_db

INJECTION = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (INJECTION, "'" + INJECTION),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("3500 Maple Ave", "3500 Maple Ave"),
        ("", ""),
        (-96.8, -96.8),
        (None, None),
    ],
)
def test_text_cells_that_start_a_formula_are_quoted(value, expected):
    assert safe_cell(value) == expected


def test_a_row_keeps_its_numbers():
    assert safe_row(["=1", 2, "x"]) == ["'=1", 2, "x"]


def test_the_day_export_neutralises_formulas_in_addresses_and_names(client):
    # given: a routed stop whose address and DSP name are formula injections
    rs = RouteStopFactory(stop__address=INJECTION, route__dsp__name="@evil")
    route = rs.route
    client.force_login(MembershipFactory(dsp=route.dsp, role=Role.DISPATCHER).user)
    # when
    response = client.get(reverse("routes:day-export"), {"date": route.service_date.isoformat()})
    # then
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["address"] == "'" + INJECTION
    assert record["dsp"] == "'@evil"
    assert record["longitude"].startswith("-")  # numbers stay numbers
