from tests.drivers.factories import (
    ApplicantFactory,
    AvailabilityFactory,
    CompletionFactory,
    DocumentFactory,
    DriverFactory,
    IncidentFactory,
    TimeOffFactory,
    TrainingModuleFactory,
)


def _driver(dsp, driver_user):
    return {"pk": DriverFactory(dsp=dsp).pk}


def _applicant(dsp, driver_user):
    return {"pk": ApplicantFactory(dsp=dsp).pk}


def _document(dsp, driver_user):
    return {"pk": DocumentFactory(driver__dsp=dsp).pk}


def _completion(dsp, driver_user):
    return {"pk": CompletionFactory(driver__dsp=dsp).pk}


def _availability(dsp, driver_user):
    return {"pk": AvailabilityFactory(driver__dsp=dsp).pk}


def _time_off(dsp, driver_user):
    return {"pk": TimeOffFactory(driver__dsp=dsp).pk}


def _incident(dsp, driver_user):
    return {"pk": IncidentFactory(driver__dsp=dsp).pk}


def _module(dsp, driver_user):
    return {"pk": TrainingModuleFactory().pk}


CASES = {
    "drivers:detail": _driver,
    "drivers:edit": _driver,
    "drivers:availability": _driver,
    "drivers:document-add": _driver,
    "drivers:time-off-add": _driver,
    "drivers:incident-add": _driver,
    "drivers:invite": _driver,
    "drivers:document": _document,
    "drivers:applicant-move": _applicant,
    "api:driver-detail": _driver,
    "api:applicant-detail": _applicant,
    "api:training-completion-detail": _completion,
    "api:availability-detail": _availability,
    "api:time-off-detail": _time_off,
    "api:safety-incident-detail": _incident,
}

POST_ONLY = {
    "drivers:document-add",
    "drivers:time-off-add",
    "drivers:incident-add",
    "drivers:applicant-move",
    "drivers:invite",
}

# Training modules are the program's reference material: every signed-in role reads them.
SHARED = {
    "drivers:module": _module,
    "api:training-module-detail": _module,
}
