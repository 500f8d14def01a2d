from django.apps import AppConfig


class RoutesConfig(AppConfig):
    name = "routes"
    verbose_name = "Routes"

    def ready(self) -> None:
        # Imported here: these modules use models, which load only after every AppConfig.
        from dsps.signals import territory_changed
        from routes.web import panels, panels_live  # noqa: F401  (registers home-page panels)

        territory_changed.connect(_cover_again, dispatch_uid="routes.stops_cover_again")


def _cover_again(sender, *, station_id: int, **kwargs) -> None:
    """A territory changed hands or shape: the open days' unrouted stops follow it."""
    # Imported here: the receiver is connected before models may be imported at module level.
    from routes.manifests.allocation import stops_cover_again

    stops_cover_again(station_id=station_id)
