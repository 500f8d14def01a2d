"""Who may write on compliance's pages and endpoints (see tests/roles/)."""

STAFF = {"program_staff"}
OWNER = {"owner"}

WRITE_ROLES = {
    # Only program staff record actions, lift suspensions and run an exit's steps.
    "compliance:action-create": STAFF,
    "compliance:action-lift": STAFF,
    "compliance:offboarding-step": STAFF,
    "api:compliance-action-list": STAFF,
    "api:compliance-action-lift": STAFF,
    "api:compliance-action-termination-preview": STAFF,
    "api:offboarding-step": STAFF,
    "api:offboarding-step-preview": STAFF,
    # The DSP's owner answers and acknowledges plans; staff reply in the thread and may
    # record an acknowledgement given by phone.
    "compliance:action-detail": STAFF | OWNER,
    "compliance:action-acknowledge": STAFF | OWNER,
    "api:compliance-response-list": STAFF | OWNER,
    "api:compliance-action-acknowledge": STAFF | OWNER,
    # An owner may take its DSP out of the program.
    "compliance:exit-start": OWNER,
    # An exit starts from the owner, or from staff on the DSP's behalf.
    "api:offboarding-list": STAFF | OWNER,
}
