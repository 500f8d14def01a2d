"""Network pages."""

app_name = "network"

urlpatterns: list = []
