from django.apps import AppConfig


class DriversConfig(AppConfig):
    name = "drivers"
    verbose_name = "Drivers"

    def ready(self) -> None:
        from . import onboarding, panels  # noqa: F401  (registers panels and checklist items)
