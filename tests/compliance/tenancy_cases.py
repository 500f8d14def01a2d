"""Cross-DSP cases for compliance's pages and endpoints."""

from tests.compliance.factories import (
    ActionResponseFactory,
    ComplianceActionFactory,
    OffboardingFactory,
)


def _action(dsp, driver_user):
    return {"pk": ComplianceActionFactory(dsp=dsp).pk}


def _plan(dsp, driver_user):
    import datetime

    due = dsp.station.today() + datetime.timedelta(days=14)
    return {"pk": ComplianceActionFactory(dsp=dsp, kind="corrective_plan", due_on=due).pk}


def _response(dsp, driver_user):
    return {"pk": ActionResponseFactory(action__dsp=dsp).pk}


def _offboarding(dsp, driver_user):
    return {"pk": OffboardingFactory(dsp=dsp).pk}


def _in_the_body(dsp, driver_user):
    return {}  # the DSP is named in the request's body


CASES = {
    "compliance:action-detail": _action,
    "compliance:action-acknowledge": _plan,
    "compliance:response-document": _response,
    "compliance:offboarding-detail": _offboarding,
    "api:compliance-action-detail": _action,
    "api:compliance-action-acknowledge": _plan,
    "api:compliance-response-detail": _response,
    "api:offboarding-detail": _offboarding,
}
POST_ONLY = {
    "compliance:action-acknowledge",
    "compliance:action-lift",
    "compliance:offboarding-step",
    "api:compliance-action-acknowledge",
    "api:compliance-action-lift",
    "api:compliance-action-termination-preview",
    "api:offboarding-step",
    "api:offboarding-step-preview",
}
# Program decisions: lifting a suspension, previewing a termination, running an exit's steps.
STAFF_ONLY = {
    "compliance:action-lift": _action,
    "compliance:offboarding-step": _offboarding,
    "api:compliance-action-lift": _action,
    "api:compliance-action-termination-preview": _in_the_body,
    "api:offboarding-step": _offboarding,
    "api:offboarding-step-preview": _offboarding,
}
