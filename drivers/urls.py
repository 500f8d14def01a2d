from django.urls import path

from . import views

app_name = "drivers"

urlpatterns = [
    path("", views.driver_index, name="list"),
    path("<int:pk>/", views.driver_detail, name="detail"),
]
