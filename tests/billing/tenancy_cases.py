"""Cross-DSP cases for billing's pages and endpoints."""

from billing.models import Dispute, PayDiscrepancy, PeakPeriod, Scorecard
from tests.billing.factories import WEEK, RateCardFactory, StatementLineFactory, approved_statement
from tests.drivers.factories import DriverFactory
from tests.dsps.factories import MembershipFactory


def _scorecard(dsp, driver_user):
    return {"pk": Scorecard.objects.create(dsp=dsp, week_start=WEEK, tier="great").pk}


def _metric(dsp, driver_user):
    return {**_scorecard(dsp, driver_user), "metric": "dcr"}


def _driver_card(dsp, driver_user):
    return {**_scorecard(dsp, driver_user), "driver_pk": DriverFactory(dsp=dsp).pk}


def _statement(dsp, driver_user):
    return {"pk": StatementLineFactory(statement__dsp=dsp).statement_id}


def _line(dsp, driver_user):
    return {"pk": StatementLineFactory(statement__dsp=dsp).pk}


def _dispute(dsp, driver_user):
    line = approved_statement(dsp=dsp).lines.get()
    owner = MembershipFactory(dsp=dsp, role="owner").user
    dispute = Dispute.objects.create(line=line, message="Short", amount=1, opened_by=owner)
    return {"pk": dispute.pk}


def _pay_driver(dsp, driver_user):
    return {"pk": driver_user.driver_profile.pk}


def _pay_question(dsp, driver_user):
    row = PayDiscrepancy.objects.create(
        driver=driver_user.driver_profile, week_start=WEEK, message="Short by an hour"
    )
    return {"pk": row.pk}


def _rate_card(dsp, driver_user):
    return {"pk": RateCardFactory(station=dsp.station).pk}


def _peak_period(dsp, driver_user):
    return {
        "pk": PeakPeriod.objects.create(
            station=dsp.station, starts_on=WEEK, ends_on=WEEK, per_route=1
        ).pk
    }


CASES = {
    "billing:scorecard-detail": _scorecard,
    "billing:scorecard-metric": _metric,
    "billing:driver-scorecard": _driver_card,
    "billing:statement-detail": _statement,
    "billing:statement-csv": _statement,
    "billing:statement-pdf": _statement,
    "billing:line-evidence": _line,
    "billing:dispute-open": _line,
    "api:scorecard-detail": _scorecard,
    "api:statement-detail": _statement,
    "api:statement-pdf": _statement,
    "api:statement-csv": _statement,
    "api:dispute-detail": _dispute,
    "billing:pay-driver": _pay_driver,
    "billing:pay-question": _pay_question,
    "api:pay-discrepancy-detail": _pay_question,
}
POST_ONLY = {
    "billing:statement-approve",
    "billing:statement-line-add",
    "billing:dispute-resolve",
    "api:statement-approve",
    "api:statement-pay",
    "api:statement-add-line",
    "api:dispute-resolve",
}
# Program decisions: approving and paying statements, charging back, resolving disputes.
STAFF_ONLY = {
    "billing:statement-approve": _statement,
    "billing:statement-line-add": _statement,
    "billing:dispute-resolve": _dispute,
    "api:statement-approve": _statement,
    "api:statement-pay": _statement,
    "api:statement-add-line": _statement,
    "api:dispute-resolve": _dispute,
}
# Rate cards are published to every signed-in user.
SHARED = {
    "api:rate-card-detail": _rate_card,
    "api:peak-period-detail": _peak_period,
}
