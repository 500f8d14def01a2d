"""Demo world: thirty vans for the active DSP."""

from .models import Vehicle

KINDS = (
    [Vehicle.Kind.CARGO_VAN] * 22 + [Vehicle.Kind.STEP_VAN] * 4 + [Vehicle.Kind.ELECTRIC_VAN] * 4
)


def seed(world: dict) -> None:
    dsp = world["active_dsp"]
    for n, kind in enumerate(KINDS, start=1):
        Vehicle.objects.get_or_create(
            vin=f"1NMDEMO{n:010d}",
            defaults={
                "dsp": dsp,
                "plate": f"LSM-{n:03d}",
                "kind": kind,
                "package_capacity": 350 if kind == Vehicle.Kind.STEP_VAN else 280,
            },
        )
