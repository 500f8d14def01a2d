from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        # Imported here: these modules use models, which load only after every AppConfig.
        from routes.signals import route_event

        from .receivers import on_route_event

        route_event.connect(on_route_event, dispatch_uid="integrations.webhooks")
