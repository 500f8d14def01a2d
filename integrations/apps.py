from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from routes.signals import route_event

        from .receivers import on_route_event

        route_event.connect(on_route_event, dispatch_uid="integrations.webhooks")
