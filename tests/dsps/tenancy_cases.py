"""Cross-DSP tenancy cases for the tenant root's pages and endpoints."""

from dsps.models import Station


def _dsp(dsp, driver_user):
    return {"pk": dsp.pk}


def _station(dsp, driver_user):
    # Stations are shared reference data; a DSP-scoped case is the DSP itself.
    return {"pk": Station.objects.get(pk=dsp.station_id).pk}


CASES = {
    "dsps:detail": _dsp,
    "api:dsp-detail": _dsp,
}
# Stations are readable by every signed-in user, so they have no cross-DSP case.
SHARED = {"api:station-detail": _station}
