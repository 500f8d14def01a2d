from django.apps import AppConfig


class RoutesConfig(AppConfig):
    name = "routes"
    verbose_name = "Routes"

    def ready(self) -> None:
        from routes.web import panels, panels_live  # noqa: F401  (registers home-page panels)
