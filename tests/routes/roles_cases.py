"""Who may write on the routes' pages and endpoints (see tests/roles/)."""

STAFF = {"program_staff"}
MANAGERS = {"owner", "dispatcher"}
STAFF_AND_MANAGERS = STAFF | MANAGERS

WRITE_ROLES = {
    "api:manifest-import": STAFF_AND_MANAGERS,
    "api:planjob-list": STAFF_AND_MANAGERS,
    "api:planjob-cancel": STAFF_AND_MANAGERS,
    "api:route-stop-move": STAFF_AND_MANAGERS,
    "api:stop-allocate": STAFF,
    "routes:manifest-import": STAFF_AND_MANAGERS,
    "routes:plan": STAFF_AND_MANAGERS,
    "routes:job-cancel": STAFF_AND_MANAGERS,
    "routes:route-move": STAFF_AND_MANAGERS,
    "routes:route-move-preview": STAFF_AND_MANAGERS,
    "routes:uncovered": STAFF,
}

DRIVER = {"driver"}
ON_THE_ROAD = STAFF_AND_MANAGERS | DRIVER

WRITE_ROLES |= {
    # --- day: dispatch board, the driver's phone day ---
    "api:day-assign": STAFF_AND_MANAGERS,
    "api:day-scan": ON_THE_ROAD,
    "api:day-event": ON_THE_ROAD,
    "api:day-punch": ON_THE_ROAD,
    "api:day-confirmation": DRIVER,
    "routes:day-assign": STAFF_AND_MANAGERS,
    "routes:day-unassign": STAFF_AND_MANAGERS,
    "routes:day-close": STAFF_AND_MANAGERS,
    "routes:day-link-resend": STAFF_AND_MANAGERS,
    "routes:day-suggest": MANAGERS,
    "routes:driver-confirm": DRIVER,
    # --- live: pings, disruptions, re-plans, messages ---
    "api:ping-list": DRIVER,
    "api:disruption-list": MANAGERS,
    "api:replanjob-apply": STAFF_AND_MANAGERS,
    "api:route-messages": ON_THE_ROAD,
    "routes:disruption-create": MANAGERS,
    "routes:rescue-start": STAFF_AND_MANAGERS,
    "routes:replan-apply": STAFF_AND_MANAGERS,
    "routes:replan-again": STAFF_AND_MANAGERS,
    "routes:messages": ON_THE_ROAD,
}

# Writes only an active DSP's members may make (dsps.tenancy.POWERS_BY_STATUS).
STATUS_GATED = {"api:manifest-import", "api:planjob-list", "routes:manifest-import", "routes:plan"}
