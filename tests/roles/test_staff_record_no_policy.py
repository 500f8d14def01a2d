"""Program staff read every DSP's insurance and leases but cannot record them for a DSP."""

import pytest
from django.urls import reverse

from fleet.models import InsurancePolicy, Lease

pytestmark = pytest.mark.django_db

POLICY = {
    "insurer": "Lone Star Mutual",
    "policy_number": "POL-99999",
    "monthly_premium": "3000.00",
    "starts_on": "2026-01-01",
    "expires_on": "2026-12-31",
}


def test_staff_posting_a_complete_policy_through_the_api_is_refused(client, staff):
    # given
    client.force_login(staff)
    # when
    response = client.post(
        reverse("api:insurance-policy-list"), POLICY, content_type="application/json"
    )
    # then
    assert response.status_code == 403
    assert InsurancePolicy.objects.count() == 0


def test_staff_posting_a_complete_policy_on_the_page_is_refused(client, staff):
    client.force_login(staff)
    response = client.post(reverse("fleet:insurance"), POLICY)
    assert response.status_code == 403
    assert InsurancePolicy.objects.count() == 0


def test_staff_posting_a_lease_through_the_api_is_refused_before_validation(client, staff):
    client.force_login(staff)
    response = client.post(reverse("api:lease-list"), {}, content_type="application/json")
    assert response.status_code == 403
    assert Lease.objects.count() == 0
