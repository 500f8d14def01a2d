"""Compliance pages."""

from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("", views.action_list, name="action-list"),
    path("actions/new/", views.action_create, name="action-create"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
    path("actions/<int:pk>/acknowledge/", views.action_acknowledge, name="action-acknowledge"),
    path("actions/<int:pk>/lift/", views.action_lift, name="action-lift"),
    path("responses/<int:pk>/document/", views.response_document, name="response-document"),
    path("offboarding/<int:pk>/", views.offboarding_detail, name="offboarding-detail"),
    path("offboarding/<int:pk>/step/", views.offboarding_step, name="offboarding-step"),
    path("exit/", views.exit_start, name="exit-start"),
]
