"""Program policies of vans given back before their cover ended with the lease.

`fleet.services.lease_return` now ends a van's program policy (one taken with the lease, so it
has an insurance option) on the day the van goes back. Vans returned before that change kept
their policy's old expiry, so fleet costs went on charging its premium. This ends each such
policy on its lease's return day, as the service would have; a DSP's own fleet policies (no
van) are not touched.
"""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def end_cover_of_returned_vans(apps, schema_editor):
    Lease = apps.get_model("fleet", "Lease")
    InsurancePolicy = apps.get_model("fleet", "InsurancePolicy")
    returned = Lease.objects.filter(
        dsp=OuterRef("dsp"), vehicle=OuterRef("vehicle"), returned_on__isnull=False
    ).order_by("-returned_on")
    policies = InsurancePolicy.objects.filter(
        option__isnull=False, vehicle__status="returned"
    ).annotate(returned_on=Subquery(returned.values("returned_on")[:1]))
    for policy in policies.filter(returned_on__isnull=False, expires_on__gt=F("returned_on")):
        policy.expires_on = max(policy.returned_on, policy.starts_on)
        policy.save(update_fields=["expires_on"])


class Migration(migrations.Migration):
    dependencies = [("fleet", "0004_offer_range_km")]

    operations = [migrations.RunPython(end_cover_of_returned_vans, migrations.RunPython.noop)]
