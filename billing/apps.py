from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        # Imported here: these modules use models, which load only after every AppConfig.
        from billing.web import panels  # noqa: F401  (registers the pay panels on the home pages)
