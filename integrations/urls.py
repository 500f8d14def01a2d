"""Integrations pages."""

app_name = "integrations"

urlpatterns: list = []
