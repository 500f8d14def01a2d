from django.apps import AppConfig


class DspsConfig(AppConfig):
    name = "dsps"
    verbose_name = "DSPs and program"

    def ready(self) -> None:
        # Imported here: these modules use models, which load only after every AppConfig.
        from . import panels  # noqa: F401  (registers home-page panels)
