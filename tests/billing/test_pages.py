import datetime

import pytest

from billing.services import statement_generate
from tests.billing.factories import WEEK, RateCardFactory
from tests.dsps.factories import DspFactory, MembershipFactory
from tests.routes.factories import DeliveryEventFactory, PackageFactory, RouteFactory

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
