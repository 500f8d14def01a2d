"""The main pages of owners, dispatchers and program staff, on the demo world, show no internal
code (`fantastic_plus`, `clock_in`) and no unformatted money (`$40379.57`) or four-decimal rate
(`260.0000`): labels come from the choices, amounts from the `money` filter."""

import re

import pytest
from django.core.management import call_command

from billing.models import Scorecard, Statement
from drivers.models import Driver
from dsps.models import User
from fleet.models import Vehicle
from routes.models import Route
from tests.visible import codes_shown, visible_text

pytestmark = pytest.mark.django_db

# A dollar amount of four figures or more without its thousands separator, or any amount with
# other than two decimals; a bare number with three or more decimals.
RAW_MONEY = re.compile(r"\$\d{4,}(?:\.\d+)?\b|\$[\d,]+\.(?:\d|\d{3,})\b")
RAW_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{3,}\b")

OWNER_PAGES = [
    "/",
    "/routes/plan/",
    "/routes/",
    "/routes/board/",
    "/routes/live/",
    "/billing/scorecards/",
    "/billing/statements/",
    "/billing/finances/",
    "/fleet/",
    "/fleet/insurance/",
    "/fleet/catalogue/",
    "/drivers/",
    "/compliance/",
    "/drivers/compliance/",
    "/drivers/hiring/",
]
DISPATCHER_PAGES = ["/", "/routes/", "/routes/board/", "/routes/live/", "/drivers/"]
STAFF_PAGES = [
    "/",
    "/network/",
    "/dsps/applications/",
    "/compliance/",
    "/billing/statements/",
    "/fleet/catalogue/",
    "/routes/uncovered/",
]


def _problems(client, email: str, paths: list[str]) -> dict[str, list[str]]:
    client.force_login(User.objects.get(email=email))
    found = {}
    for path in paths:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        page = response.content.decode()
        text = visible_text(page)
        shown = codes_shown(page) + RAW_MONEY.findall(text) + RAW_DECIMAL.findall(text)
        if shown:
            found[path] = shown
    return found


def test_the_main_pages_show_labels_and_formatted_numbers_for_every_role(client):
    call_command("seed_demo", verbosity=0)
    mine = {"dsp__code": "lone-star"}
    statement = Statement.objects.filter(**mine).order_by("-week_start").first()
    card = Scorecard.objects.filter(**mine).order_by("-week_start").first()
    route = Route.objects.filter(**mine).order_by("-service_date").first()
    owner_pages = [
        *OWNER_PAGES,
        f"/billing/statements/{statement.pk}/",
        f"/billing/scorecards/{card.pk}/",
        f"/billing/lines/{statement.lines.first().pk}/",
        f"/drivers/{Driver.objects.filter(**mine).first().pk}/",
        f"/fleet/vehicles/{Vehicle.objects.filter(**mine).first().pk}/",
        f"/routes/{route.pk}/",
    ]
    found = {
        "owner": _problems(client, "owner@lone-star.example", owner_pages),
        "dispatcher": _problems(client, "dispatch@lone-star.example", DISPATCHER_PAGES),
        "staff": _problems(
            client, "staff@nextmile.example", [*STAFF_PAGES, f"/dsps/{route.dsp_id}/"]
        ),
    }
    assert found == {"owner": {}, "dispatcher": {}, "staff": {}}
