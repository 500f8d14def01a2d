"""Supplies pages."""

app_name = "supplies"

urlpatterns: list = []
