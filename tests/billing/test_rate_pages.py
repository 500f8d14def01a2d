"""Program staff publish new rate, peak and threshold versions from forms; DSPs only read."""

import datetime
from decimal import Decimal

import pytest

from billing.models import PeakPeriod, RateCard, ThresholdSet
from billing.scorecards.metrics import DEFAULT_THRESHOLDS, METRICS
from dsps.models import AuditEvent
from nextmile.calendar import week_start_of
from tests.billing.factories import RateCardFactory, ThresholdSetFactory, approved_statement
from tests.dsps.factories import DspFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dsp():
    dsp = DspFactory()
    RateCardFactory(
        station=dsp.station,
        route_fee=Decimal("230.00"),
        incentive_per_package={"fantastic": "0.05"},
    )
    return dsp


def next_week(dsp):
    return week_start_of(dsp.station.today()) + datetime.timedelta(days=7)


def rate_post(dsp, **change):
    data = {
        "station": dsp.station.pk,
        "effective_from": next_week(dsp).isoformat(),
        "route_fee": "245.00",
        "long_route_fee": "0",
        "long_route_hours": "10",
        "package_rate": "0.6000",
        "van_weekly_fee": "150.00",
        "growth_route_pay": "0",
        "onboarding_pay": "0",
        "service_failure_chargeback": "0",
        "uncovered_route_chargeback": "300.00",
        "late_cancellation_chargeback": "150.00",
        "incentive_fantastic": "0.06",
        "incentive_great": "0.02",
    }
    return data | change


def test_staff_add_a_rate_version_prefilled_from_the_current_one(client, staff, dsp):
    client.force_login(staff)
    # given: the form opens with the rates in force and the next week as its start
    form = client.get(f"/billing/rates/new/?station={dsp.station.pk}").content.decode()
    assert 'name="route_fee" value="230.00"' in form
    assert f'value="{next_week(dsp).isoformat()}"' in form
    assert 'name="incentive_fantastic" value="0.05' in form
    # when
    response = client.post("/billing/rates/new/", rate_post(dsp))
    # then: the history lists both versions, the new one upcoming
    assert response.status_code == 302
    card = RateCard.objects.get(station=dsp.station, effective_from=next_week(dsp))
    assert (card.route_fee, card.uncovered_route_chargeback) == (Decimal("245.00"), Decimal(300))
    assert card.incentive_per_package == {"fantastic": "0.06", "great": "0.02"}
    assert AuditEvent.objects.filter(verb="rate_card.create", target_id=str(card.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert page.count("<tr") == 3 and "upcoming" in page and "in force" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"route_fee": "-5"}, "route_fee", "greater than or equal to 0"),
        ({"incentive_great": "-0.01"}, "incentive_great", "greater than or equal to 0"),
        ({"effective_from": "2026-10-27"}, "effective_from", "already approved"),
    ],
)
def test_a_bad_rate_version_is_refused_with_a_message_and_nothing_saved(
    client, staff, dsp, change, field, message
):
    # given: the week of 2026-10-25 is approved
    approved_statement(dsp=dsp, week_start=datetime.date(2026, 10, 25))
    client.force_login(staff)
    # when
    response = client.post("/billing/rates/new/", rate_post(dsp, **change))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-field="{field}"' in page and message in page
    assert RateCard.objects.count() == 1


def test_staff_add_a_peak_period_and_an_overlap_is_refused(client, staff, dsp):
    client.force_login(staff)
    data = {
        "station": dsp.station.pk,
        "name": "Holiday peak",
        "starts_on": "2027-11-28",
        "ends_on": "2027-12-31",
        "per_route": "25.00",
        "per_package": "0.05",
    }
    assert client.post("/billing/rates/peaks/new/", data).status_code == 302
    # when: a second period overlapping the first
    response = client.post("/billing/rates/peaks/new/", data | {"starts_on": "2027-12-20"})
    # then
    assert 'data-field="starts_on"' in response.content.decode()
    assert list(PeakPeriod.objects.values_list("name", "per_route")) == [
        ("Holiday peak", Decimal("25.00"))
    ]
    assert "Holiday peak" in client.get("/billing/rates/").content.decode()


def threshold_post(dsp, thresholds, week):
    data = {"station": dsp.station.pk, "week_start": week.isoformat(), "escalation_cap": "great"}
    for spec in METRICS:
        for i, value in enumerate(thresholds[spec.key]):
            data[f"{spec.key}_{i}"] = value
        data[f"{spec.key}_weight"] = 1
    return data


def test_staff_add_thresholds_and_out_of_order_ones_are_refused(client, staff, dsp):
    ThresholdSetFactory(station=dsp.station)
    client.force_login(staff)
    week = next_week(dsp)
    form = client.get(f"/billing/thresholds/new/?station={dsp.station.pk}").content.decode()
    assert 'name="dcr_0" value="99.8"' in form  # prefilled from the version in force
    # when: DCR's Fantastic above its Fantastic Plus
    bad = dict(DEFAULT_THRESHOLDS) | {"dcr": [99.0, 99.5, 98.0, 97.0]}
    response = client.post("/billing/thresholds/new/", threshold_post(dsp, bad, week))
    # then
    assert "Delivery completion rate: thresholds are out of order" in response.content.decode()
    assert ThresholdSet.objects.count() == 1
    # when: in order
    good = dict(DEFAULT_THRESHOLDS) | {"dcr": [99.9, 99.6, 99.0, 98.0]}
    response = client.post("/billing/thresholds/new/", threshold_post(dsp, good, week))
    # then
    assert response.status_code == 302
    assert ThresholdSet.objects.get(week_start=week).thresholds["dcr"] == [99.9, 99.6, 99.0, 98.0]
    assert "99.6" in client.get("/billing/thresholds/").content.decode()


def test_thresholds_inside_an_approved_week_are_refused(client, staff, dsp):
    approved_statement(dsp=dsp, week_start=datetime.date(2026, 10, 25))
    client.force_login(staff)
    response = client.post(
        "/billing/thresholds/new/",
        threshold_post(dsp, DEFAULT_THRESHOLDS, datetime.date(2026, 10, 25)),
    )
    assert 'data-field="week_start"' in response.content.decode()
    assert ThresholdSet.objects.count() == 0


@pytest.mark.parametrize("role", ["owner", "dispatcher"])
def test_a_dsp_reads_rates_and_thresholds_but_cannot_change_them(client, dsp, role):
    client.force_login(MembershipFactory(dsp=dsp, role=role).user)
    rates = client.get("/billing/rates/").content.decode()
    assert "$230.00" in rates and "new-rates" not in rates
    thresholds = client.get("/billing/thresholds/").content.decode()
    assert "program defaults apply" in thresholds and "new-thresholds" not in thresholds
    assert client.get("/billing/rates/new/").status_code == 403
    assert client.post("/billing/rates/new/", rate_post(dsp)).status_code == 403
    assert client.post("/billing/thresholds/new/", {}).status_code == 403
    assert RateCard.objects.count() == 1


def test_the_rate_history_pages_twenty_versions_at_a_time(
    client, staff, dsp, django_assert_num_queries
):
    for n in range(1, 21):
        RateCardFactory(
            station=dsp.station,
            effective_from=datetime.date(2025, 1, 1) + datetime.timedelta(weeks=n),
        )
    client.force_login(staff)
    with django_assert_num_queries(9):
        page = client.get(f"/billing/rates/?station={dsp.station.pk}").content.decode()
    assert page.count("<tr") == 21 and "Page 1 of 2" in page
    older = client.get(f"/billing/rates/?station={dsp.station.pk}&page=2").content.decode()
    assert older.count("<tr") == 2
