"""Cross-DSP tenancy cases for the tenant root's pages and endpoints."""

from dsps.models import ApiKey, Membership, Role, Station
from tests.dsps.factories import (
    DspApplicationFactory,
    MembershipFactory,
    TerritoryFactory,
    TerritoryRequestFactory,
)


def _dsp(dsp, driver_user):
    return {"pk": dsp.pk}


def _station(dsp, driver_user):
    # Stations are shared reference data; a DSP-scoped case is the DSP itself.
    return {"pk": Station.objects.get(pk=dsp.station_id).pk}


def _application(dsp, driver_user):
    return {"pk": DspApplicationFactory(dsp=dsp).pk}


def _application_document(dsp, driver_user):
    return {"pk": DspApplicationFactory(dsp=dsp).pk, "kind": "insurance_certificate"}


def _territory(dsp, driver_user):
    return {"pk": TerritoryFactory(dsp=dsp, station=dsp.station).pk}


def _api_key(dsp, driver_user):
    owner = Membership.objects.filter(dsp=dsp, role=Role.OWNER).first()
    owner = owner.user if owner else MembershipFactory(dsp=dsp, role=Role.OWNER).user
    return {
        "pk": ApiKey.objects.create(
            name="k",
            dsp=dsp,
            created_by=owner,
            scope="read_only",
            key_prefix="nm_x",
            key_hash=f"hash-{dsp.pk}-{ApiKey.objects.count()}",
        ).pk
    }


def _territory_request(dsp, driver_user):
    return {"pk": TerritoryRequestFactory(dsp=dsp).pk}


CASES = {
    "dsps:detail": _dsp,
    "api:dsp-detail": _dsp,
    "dsps:application-detail": _application,
    "dsps:application-document": _application_document,
    "api:application-detail": _application,
    "dsps:territory-detail": _territory,
    "api:territory-detail": _territory,
    "api:territory-request-detail": _territory_request,
    "billing:market": _territory,
    "dsps:api-key-revoke": _api_key,
}
# Program decisions: no DSP role may use them, not even on its own DSP's objects.
STAFF_ONLY = {
    "dsps:application-decide": _application,
    "dsps:documents-verify": _dsp,
    "api:application-decide": _application,
    "dsps:territory-edit": _territory,
    "dsps:territory-assign": _territory,
    "api:territory-assign": _territory,
    "dsps:territory-request-decide": _territory_request,
    "api:territory-request-decide": _territory_request,
}
POST_ONLY = {
    "dsps:application-decide",
    "dsps:documents-verify",
    "api:application-decide",
    "dsps:territory-assign",
    "api:territory-assign",
    "dsps:territory-request-decide",
    "api:territory-request-decide",
    "dsps:api-key-revoke",
}
# Stations are readable by every signed-in user, so they have no cross-DSP case.
SHARED = {"api:station-detail": _station}
