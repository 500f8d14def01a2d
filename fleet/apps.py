from django.apps import AppConfig


class FleetConfig(AppConfig):
    name = "fleet"
    verbose_name = "Fleet"

    def ready(self) -> None:
        from . import onboarding, panels  # noqa: F401  (register checklist items and panels)
