from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Network"

    def ready(self) -> None:
        # Imported here: these modules use models, which load only after every AppConfig.
        from . import panels  # noqa: F401  (register the home panel)
