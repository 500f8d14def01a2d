from django.apps import AppConfig


class DspsConfig(AppConfig):
    name = "dsps"
    verbose_name = "DSPs and program"

    def ready(self) -> None:
        from . import panels  # noqa: F401  (registers home-page panels)
