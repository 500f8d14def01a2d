from django.apps import AppConfig


class DriversConfig(AppConfig):
    name = "drivers"
    verbose_name = "Drivers"

    def ready(self) -> None:
        # Imported here: these modules use models, which load only after every AppConfig.
        from . import onboarding, panels  # noqa: F401  (registers panels and checklist items)
