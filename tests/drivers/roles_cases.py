"""Who may write on the drivers' pages and endpoints (see tests/roles/)."""

STAFF = {"program_staff"}
MANAGERS = {"owner", "dispatcher"}
STAFF_AND_MANAGERS = STAFF | MANAGERS
EVERYONE = STAFF_AND_MANAGERS | {"driver"}

WRITE_ROLES = {
    "api:applicant-list": MANAGERS,
    "api:applicant-move": MANAGERS,
    "api:safety-incident-list": STAFF_AND_MANAGERS,
    "api:time-off-list": EVERYONE,
    "api:training-attempt": {"driver", "owner"},
    "drivers:hiring": MANAGERS,
    "drivers:applicant-move": STAFF_AND_MANAGERS,
    "drivers:edit": STAFF_AND_MANAGERS,
    "drivers:invite": STAFF_AND_MANAGERS,
    "drivers:incident-add": STAFF_AND_MANAGERS,
    "drivers:availability": EVERYONE,
    "drivers:document-add": EVERYONE,
    "drivers:time-off-add": EVERYONE,
    "drivers:module": EVERYONE,
    "drivers:training-author": STAFF,
}

# Writes only an active DSP's members may make (dsps.tenancy.POWERS_BY_STATUS).
STATUS_GATED = {
    "api:applicant-list",
    "api:applicant-move",
    "drivers:hiring",
    "drivers:applicant-move",
}
