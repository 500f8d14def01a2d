from django.urls import path

from . import views

app_name = "fleet"

urlpatterns = [
    path("", views.vehicle_index, name="list"),
    path("vehicles/<int:pk>/", views.vehicle_detail, name="vehicle-detail"),
]
