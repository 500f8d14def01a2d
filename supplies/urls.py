"""Supplies pages."""

from django.urls import path

from . import views

app_name = "supplies"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("items/new/", views.item_edit, name="item-create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("orders/", views.order_list, name="order-list"),
    path("orders/new/", views.order_create, name="order-create"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
]
