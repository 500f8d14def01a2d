"""A statement PDF prints names as text: ReportLab markup in data is neither parsed nor followed."""

import io

import pypdf
import pytest

from billing.services import statement_generate
from tests.billing.factories import WEEK, RateCardFactory
from tests.dsps.factories import DspFactory, MembershipFactory

pytestmark = pytest.mark.django_db

MARKUP_NAME = 'A & B <b>Co</b> <img src="/etc/passwd">'


def test_a_markup_dsp_name_prints_literally_in_the_statement_pdf(client):
    # given a DSP whose stored name holds markup (a row from before names were validated)
    dsp = DspFactory(name=MARKUP_NAME)
    RateCardFactory(station=dsp.station)
    statement = statement_generate(dsp=dsp, week_start=WEEK)
    client.force_login(MembershipFactory(dsp=dsp, role="owner").user)
    # when
    response = client.get(f"/billing/statements/{statement.pk}/pdf/")
    # then the PDF builds and reads back with the name as typed
    assert response.status_code == 200
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"Payout statement · {MARKUP_NAME}" in " ".join(text.split())
