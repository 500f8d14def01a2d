"""Compliance pages."""

app_name = "compliance"

urlpatterns: list = []
