from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("market/<int:pk>/", views.market, name="market"),
]
