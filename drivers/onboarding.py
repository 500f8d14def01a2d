"""Drivers' items on a DSP's onboarding checklist."""

from dsps.onboarding import register_item

from .selectors import drivers_assignable, owner_training_done


@register_item(
    key="owner_training",
    label="Owner training completed",
    hint="The owner passes the program's required owner modules under Training.",
    order=40,
    url_name="drivers:training",
)
def owner_training_completed(dsp) -> bool:
    return owner_training_done(dsp=dsp, on=dsp.station.today())


@register_item(
    key="driver_assignable",
    label="At least one driver assignable",
    hint="Hire a driver who is licensed, trained and available today.",
    order=50,
    url_name="drivers:hiring",
)
def a_driver_is_assignable(dsp) -> bool:
    return drivers_assignable(dsp=dsp, on=dsp.station.today()).exists()
