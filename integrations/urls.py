"""Integrations pages: webhooks and their delivery log."""

from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("webhooks/", views.subscription_list, name="subscription-list"),
    path("webhooks/new/", views.subscription_create, name="subscription-create"),
    path("webhooks/<int:pk>/", views.subscription_detail, name="subscription-detail"),
    path("webhooks/<int:pk>/toggle/", views.subscription_toggle, name="subscription-toggle"),
    path("webhooks/<int:pk>/secret/", views.subscription_secret, name="subscription-secret"),
    path("webhooks/<int:pk>/rotate/", views.subscription_rotate, name="subscription-rotate"),
    path("deliveries/", views.delivery_list, name="delivery-list"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery-detail"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="delivery-resend"),
]
