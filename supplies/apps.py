from django.apps import AppConfig


class SuppliesConfig(AppConfig):
    name = "supplies"
    verbose_name = "Supplies"

    def ready(self):
        from billing.finances import register_expense_source

        from .selectors import supplies_cost

        register_expense_source("supplies", supplies_cost, label="Supplies")
