"""Who may write on billing's pages and endpoints (see tests/roles/)."""

STAFF = {"program_staff"}
MANAGERS = {"owner", "dispatcher"}
STAFF_AND_MANAGERS = STAFF | MANAGERS

WRITE_ROLES = {
    # Rates, thresholds, approvals, payments and dispute decisions are the program's.
    "api:rate-card-list": STAFF,
    "api:peak-period-list": STAFF,
    "billing:rate-create": STAFF,
    "billing:peak-create": STAFF,
    "billing:threshold-create": STAFF,
    "api:threshold-set": STAFF,
    "api:statement-approve": STAFF,
    "api:statement-pay": STAFF,
    "api:statement-add-line": STAFF,
    "api:dispute-resolve": STAFF,
    "billing:statement-approve": STAFF,
    "billing:statement-line-add": STAFF,
    "billing:dispute-resolve": STAFF,
    # A DSP disputes its own lines (staff may open one on its behalf).
    "api:dispute-list": STAFF_AND_MANAGERS,
    "billing:dispute-open": STAFF_AND_MANAGERS,
    # The owner's own reserve threshold and cash on hand.
    "billing:finances": {"owner"},
    # Pay: a driver asks about their own week; the owner answers and sets the incentives.
    "billing:pay-mine": {"driver"},
    "api:pay-discrepancy-list": {"driver"},
    "billing:pay-question": {"owner"},
    "api:pay-discrepancy-detail": {"owner"},
    "billing:pay-incentives": {"owner"},
    "api:pay-incentives": {"owner"},
}
