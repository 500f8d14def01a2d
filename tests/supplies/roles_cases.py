"""Who may write on supplies' pages and endpoints (see tests/roles/)."""

STAFF = {"program_staff"}
OWNER = {"owner"}

WRITE_ROLES = {
    # The catalogue and the status of orders are the program's.
    "supplies:item-create": STAFF,
    "supplies:item-edit": STAFF,
    "supplies:order-detail": STAFF,
    "api:supply-item-list": STAFF,
    "api:supply-item-detail": STAFF,
    "api:supply-order-status": STAFF,
    # A DSP's owner spends its money.
    "supplies:order-create": OWNER,
    "api:supply-order-list": OWNER,
}

# Writes only an active DSP's members may make (dsps.tenancy.POWERS_BY_STATUS).
STATUS_GATED = {"api:supply-order-list", "supplies:order-create"}
