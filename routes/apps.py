from django.apps import AppConfig


class RoutesConfig(AppConfig):
    name = "routes"
    verbose_name = "Routes"

    def ready(self) -> None:
        # Imported here: these modules use models, which load only after every AppConfig.
        from routes.web import panels, panels_live  # noqa: F401  (registers home-page panels)
