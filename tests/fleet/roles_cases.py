"""Who may write on the fleet's pages and endpoints (see tests/roles/)."""

STAFF = {"program_staff"}
MANAGERS = {"owner", "dispatcher"}
STAFF_AND_MANAGERS = STAFF | MANAGERS
EVERYONE = STAFF_AND_MANAGERS | {"driver"}

WRITE_ROLES = {
    "api:vehicle-offer-list": STAFF,
    "api:vehicle-offer-detail": STAFF,
    "api:vehicle-ground": STAFF_AND_MANAGERS,
    "api:lease-list": MANAGERS,
    "api:lease-return": STAFF_AND_MANAGERS,
    "api:inspection-list": EVERYONE,
    "api:insurance-policy-list": MANAGERS,
    "api:maintenance-schedule-list": STAFF_AND_MANAGERS,
    "api:repair-list": STAFF_AND_MANAGERS,
    "fleet:offer-create": STAFF,
    "fleet:offer-detail": STAFF,
    "fleet:vehicle-ground": STAFF_AND_MANAGERS,
    "fleet:lease-create": MANAGERS,
    "fleet:lease-return": STAFF_AND_MANAGERS,
    "fleet:insurance": MANAGERS,
    "fleet:inspect": EVERYONE,
    "fleet:schedule-create": STAFF_AND_MANAGERS,
    "fleet:repair-create": STAFF_AND_MANAGERS,
}

# Writes only an active DSP's members may make (dsps.tenancy.POWERS_BY_STATUS).
STATUS_GATED = {"api:lease-list", "fleet:lease-create"}
