from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "fleet"
    verbose_name = "Fleet"

    def ready(self) -> None:
        # Imported here: these modules use models, which load only after every AppConfig.
        from . import onboarding, panels  # noqa: F401  (register checklist items and panels)
