"""A DSP cannot flood a statement line with disputes nor claim more than the line is worth."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Dispute
from billing.services import dispute_open, dispute_resolve
from dsps.models import Role
from tests.billing.factories import approved_statement
from tests.dsps.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    return approved_statement().lines.get()


@pytest.fixture
def owner(line):
    return MembershipFactory(dsp=line.statement.dsp, role=Role.OWNER).user


def test_a_dispute_claiming_more_than_the_line_is_refused(line, owner):
    with pytest.raises(ValidationError) as error:
        dispute_open(line=line, by=owner, message="x", amount=line.amount + Decimal("0.01"))
    assert error.value.message_dict == {
        "amount": [f"A dispute can claim at most the line's amount, {line.amount}."]
    }
    assert Dispute.objects.count() == 0


def test_a_dispute_of_the_whole_line_is_accepted(line, owner):
    dispute = dispute_open(line=line, by=owner, message="all wrong", amount=line.amount)
    assert (dispute.amount, dispute.status) == (line.amount, Dispute.Status.OPEN)


def test_a_second_open_dispute_on_one_line_is_refused(line, owner):
    dispute_open(line=line, by=owner, message="first", amount=Decimal("1.00"))
    with pytest.raises(ValidationError) as error:
        dispute_open(line=line, by=owner, message="again", amount=Decimal("1.00"))
    assert error.value.message_dict == {"line": ["This line already has an open dispute."]}
    assert Dispute.objects.count() == 1


def test_a_line_is_disputed_at_most_three_times(line, owner):
    for n in range(3):
        dispute = dispute_open(line=line, by=owner, message=f"try {n}", amount=Decimal("1.00"))
        dispute_resolve(dispute=dispute, upheld=False, resolution="No.")
    with pytest.raises(ValidationError) as error:
        dispute_open(line=line, by=owner, message="try 4", amount=Decimal("1.00"))
    assert error.value.message_dict == {"line": ["A line can be disputed at most 3 times."]}
    assert Dispute.objects.count() == 3


def test_the_api_refuses_an_oversized_claim_by_field(client, line, owner):
    client.force_login(owner)
    response = client.post(
        "/api/v1/disputes/",
        {"line": line.pk, "message": "more", "amount": str(line.amount * 10)},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "amount": [f"A dispute can claim at most the line's amount, {line.amount}."]
    }
    assert Dispute.objects.count() == 0
