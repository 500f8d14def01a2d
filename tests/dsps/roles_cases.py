"""Who may write on the DSP program's pages and endpoints (see tests/roles/)."""

STAFF = {"program_staff"}
OWNER = {"owner"}

WRITE_ROLES = {
    "api:application-decide": STAFF,
    "api:application-mine": OWNER,
    "api:application-submit": OWNER,
    "api:station-list": STAFF,
    "api:station-detail": STAFF,
    "api:territory-list": STAFF,
    "api:territory-assign": STAFF,
    "api:territory-request-list": OWNER,
    "api:territory-request-decide": STAFF,
    "dsps:application-decide": STAFF,
    "dsps:documents-verify": STAFF,
    "dsps:application-mine": OWNER,
    # Only a signed-up person with no role yet starts an application; members are sent home.
    "dsps:application-start": set(),
    "dsps:territory-new": STAFF,
    "dsps:territory-edit": STAFF,
    "dsps:territory-assign": STAFF,
    "dsps:territory-request-list": OWNER,
    "dsps:territory-request-decide": STAFF,
    "dsps:api-key-list": STAFF | OWNER,
    "dsps:api-key-revoke": STAFF | OWNER,
}
# Members who open the application form are redirected to their own application (302).
REFUSED_BY_REDIRECT = {"dsps:application-start"}
