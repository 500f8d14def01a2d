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
    "routes:uncovered": STAFF,
}
