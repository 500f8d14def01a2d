from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        # Imported here: these modules use models, which load only after every AppConfig.
        from . import panels  # noqa: F401  (registers the owner's home-page panel)
