"""Who may write on the network console (see tests/roles/)."""

STAFF = {"program_staff"}

WRITE_ROLES = {
    "network:allocation": STAFF,
    "network:allocation-apply": STAFF,
    "network:peak": STAFF,
    "api:network-allocation-list": STAFF,
    "api:network-allocation-apply": STAFF,
    "api:network-peak-offers": STAFF,
}
