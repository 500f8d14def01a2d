from django.apps import AppConfig


class RoutesConfig(AppConfig):
    name = "routes"
    verbose_name = "Routes"

    def ready(self) -> None:
        # Imported here: these modules use models, which load only after every AppConfig.
        from dsps.signals import territory_changed
        from routes.manifests.allocation import territory_changed_receiver
        from routes.web import panels, panels_live  # noqa: F401  (registers home-page panels)

        territory_changed.connect(
            territory_changed_receiver, dispatch_uid="routes.stops_cover_again"
        )
