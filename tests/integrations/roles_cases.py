"""Who may write on the webhook pages and endpoints (see tests/roles/)."""

HOLDERS = {"program_staff", "owner"}

WRITE_ROLES = {
    # A DSP's owner registers and manages its webhooks; program staff, the program's and all.
    "integrations:subscription-create": HOLDERS,
    "integrations:subscription-detail": HOLDERS,
    "integrations:subscription-toggle": HOLDERS,
    "integrations:subscription-secret": HOLDERS,
    "integrations:subscription-rotate": HOLDERS,
    "integrations:delivery-resend": HOLDERS,
    "api:webhook-list": HOLDERS,
    "api:webhook-detail": HOLDERS,
    "api:webhook-reveal-secret": HOLDERS,
    "api:webhook-rotate-secret": HOLDERS,
    "api:webhook-delivery-resend": HOLDERS,
}

# Writes only an active DSP's members may make (dsps.tenancy.POWERS_BY_STATUS).
STATUS_GATED = {"api:webhook-list", "integrations:subscription-create"}
