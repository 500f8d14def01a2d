"""Cross-DSP cases for the webhook pages and endpoints."""

from tests.integrations.factories import DeliveryFactory, SubscriptionFactory


def _webhook(dsp, driver_user):
    return {"pk": SubscriptionFactory(dsp=dsp).pk}


def _delivery(dsp, driver_user):
    return {"pk": DeliveryFactory(subscription__dsp=dsp).pk}


CASES = {
    "integrations:subscription-detail": _webhook,
    "integrations:subscription-toggle": _webhook,
    "integrations:subscription-secret": _webhook,
    "integrations:subscription-rotate": _webhook,
    "integrations:delivery-detail": _delivery,
    "integrations:delivery-resend": _delivery,
    "api:webhook-detail": _webhook,
    "api:webhook-reveal-secret": _webhook,
    "api:webhook-rotate-secret": _webhook,
    "api:webhook-delivery-detail": _delivery,
    "api:webhook-delivery-resend": _delivery,
}
POST_ONLY = {
    "integrations:subscription-toggle",
    "integrations:subscription-secret",
    "integrations:subscription-rotate",
    "integrations:delivery-resend",
    "api:webhook-reveal-secret",
    "api:webhook-rotate-secret",
    "api:webhook-delivery-resend",
}
