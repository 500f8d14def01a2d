"""Network pages."""

from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("allocation/", views.allocation, name="allocation"),
    path("allocation/<int:pk>/", views.allocation_detail, name="allocation-detail"),
    path("allocation/<int:pk>/apply/", views.allocation_apply, name="allocation-apply"),
    path("peak/", views.peak, name="peak"),
]
