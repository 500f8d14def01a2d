"""Analytics pages."""

app_name = "analytics"

urlpatterns: list = []
