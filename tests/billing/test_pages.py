import datetime
import re
from decimal import Decimal

import pytest

from billing.services import scorecard_generate, statement_generate, statement_line_add
from nextmile.money import format_money
from routes.models import DeliveryEvent, FailureReason
from tests.billing.factories import WEEK, RateCardFactory
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import DspFactory, MembershipFactory, StaffFactory
from tests.routes.factories import DeliveryEventFactory, PackageFactory, RouteFactory
from tests.visible import codes_shown

pytestmark = pytest.mark.django_db


def test_the_owner_opens_every_number_of_the_scorecard(client):
    # given
    dsp = DspFactory()
    RateCardFactory(station=dsp.station)
    route = RouteFactory(
        dsp=dsp, service_date=WEEK + datetime.timedelta(days=1), status="completed", code="R7"
    )
    for _ in range(3):
        DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))
    statement = statement_generate(dsp=dsp, week_start=WEEK)
    card = dsp.scorecards.get()
    client.force_login(MembershipFactory(dsp=dsp, role="owner").user)
    # when / then
    page = client.get(f"/billing/scorecards/{card.pk}/").content.decode()
    assert "What costs the most tier" in page and "scorecard-trend-chart" in page
    drill = client.get(f"/billing/scorecards/{card.pk}/metric/pod/").content.decode()
    assert drill.count("<tr>") == 4  # the header and the three deliveries without a photo
    routes_line = statement.lines.get(kind="routes")
    evidence = client.get(f"/billing/lines/{routes_line.pk}/").content.decode()
    assert "R7" in evidence
    assert client.get("/billing/finances/").status_code == 200
    assert client.get(f"/billing/statements/{statement.pk}/pdf/").content[:5] == b"%PDF-"


def test_scorecards_word_tiers_and_failure_reasons_instead_of_their_codes(client):
    # given: a week with two deliveries and one failure at a closed business; no safety event,
    # so safety is at Fantastic Plus
    dsp = DspFactory()
    route = RouteFactory(
        dsp=dsp,
        service_date=WEEK + datetime.timedelta(days=1),
        status="completed",
        driver=DriverFactory(dsp=dsp),
    )
    for _ in range(2):
        DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))
    DeliveryEventFactory(
        route=route,
        package=PackageFactory(dsp=dsp),
        kind=DeliveryEvent.Kind.FAILED,
        reason=FailureReason.BUSINESS_CLOSED,
    )
    card = scorecard_generate(dsp=dsp, week_start=WEEK)
    client.force_login(MembershipFactory(dsp=dsp, role="owner").user)
    # when
    pages = [
        client.get(f"/billing/scorecards/{card.pk}/").content.decode(),
        client.get(f"/billing/scorecards/{card.pk}/drivers/{route.driver_id}/").content.decode(),
        client.get(f"/billing/scorecards/{card.pk}/metric/dcr/").content.decode(),
    ]
    # then: labels on every page, and no internal code anywhere a person reads
    assert "<li>Business closed: 1</li>" in pages[0]
    assert [("<td>Fantastic Plus</td>" in page) for page in pages[:2]] == [True, True]
    assert "Business closed" in pages[2]
    assert [codes_shown(page) for page in pages] == [[], [], []]


def _approvable(client):
    dsp = DspFactory(name="Prairie Delivery")
    RateCardFactory(station=dsp.station)
    route = RouteFactory(
        dsp=dsp, service_date=WEEK + datetime.timedelta(days=1), status="completed", code="R7"
    )
    DeliveryEventFactory(route=route, package=PackageFactory(dsp=dsp))
    statement = statement_generate(dsp=dsp, week_start=WEEK)
    client.force_login(StaffFactory().user)
    return statement


def test_approving_a_statement_goes_through_a_confirmation_naming_the_net(client):
    statement = _approvable(client)
    url = f"/billing/statements/{statement.pk}/approve/"
    page = client.post(url).content.decode()
    assert f"Approve {format_money(statement.net)} for Prairie Delivery" in page
    statement.refresh_from_db()
    assert statement.status == "draft"
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    client.post(url, {"version": version})
    statement.refresh_from_db()
    assert statement.status == "approved"


def test_a_statement_changed_after_its_confirmation_is_not_approved(client):
    statement = _approvable(client)
    url = f"/billing/statements/{statement.pk}/approve/"
    version = re.search(r'name="version" value="([0-9a-f]+)"', client.post(url).content.decode())
    statement_line_add(
        statement=statement,
        kind="damage",
        description="Dented van door",
        quantity=Decimal(1),
        rate=Decimal("25.00"),
    )
    page = client.post(url, {"version": version.group(1)}, follow=True).content.decode()
    assert "The statement changed after the confirmation was shown" in page
    statement.refresh_from_db()
    assert statement.status == "draft"
