"""Cross-DSP cases for the network console: allocation proposals are program decisions."""

from network.fairness import fairness
from network.models import AllocationProposal


def _proposal(dsp, driver_user):
    proposal = AllocationProposal.objects.create(
        station=dsp.station,
        service_date=dsp.station.today(),
        stops_per_route=5,
        fingerprint="0" * 64,
        before=fairness([]),
        after=fairness([]),
    )
    return {"pk": proposal.pk}


CASES: dict = {}
POST_ONLY = {"api:network-allocation-apply"}
# No DSP role may see or apply a station's allocation, not even when it names their own DSP.
STAFF_ONLY = {
    "network:allocation-detail": _proposal,
    "network:allocation-apply": _proposal,
    "api:network-allocation-detail": _proposal,
    "api:network-allocation-apply": _proposal,
}
