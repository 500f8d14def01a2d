"""The fleet's items on a DSP's onboarding checklist."""

from django.db.models import Q

from dsps.models import Dsp
from dsps.onboarding import register_item

from .models import InsurancePolicy, Lease
from .selectors import policy_in_force


@register_item(
    key="fleet_insurance",
    label="Insurance active",
    hint="Record a fleet policy, or insure a van when you lease it.",
    order=40,
    url_name="fleet:insurance",
)
def insurance_active(dsp: Dsp) -> bool:
    today = dsp.station.today()
    return InsurancePolicy.objects.filter(policy_in_force(today), dsp=dsp).exists()


@register_item(
    key="fleet_vehicle_leased",
    label="At least one vehicle leased",
    hint="Lease a van from the program's catalogue.",
    order=30,
    url_name="fleet:offer-list",
)
def vehicle_leased(dsp: Dsp) -> bool:
    today = dsp.station.today()
    return (
        Lease.objects.filter(dsp=dsp)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .exclude(returned_on__lt=today)
        .exists()
    )
