from django.apps import AppConfig


class SuppliesConfig(AppConfig):
    name = "supplies"
    verbose_name = "Supplies"

    def ready(self):
        # Imported here: these modules use models, which load only after every AppConfig.
        from billing.services import register_expense_source

        from . import panels  # noqa: F401  (registers the owner's home panel)
        from .selectors import supplies_cost

        register_expense_source("supplies", supplies_cost, label="Supplies")
