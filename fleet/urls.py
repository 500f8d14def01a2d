from django.urls import path

from . import views

app_name = "fleet"

urlpatterns = [
    path("", views.vehicle_index, name="list"),
    path("vehicles/<int:pk>/", views.vehicle_detail, name="vehicle-detail"),
    path("vehicles/<int:pk>/ground/", views.vehicle_ground, name="vehicle-ground"),
    path("vehicles/<int:pk>/inspect/", views.inspection_create, name="inspect"),
    path("vehicles/<int:pk>/repairs/new/", views.repair_create, name="repair-create"),
    path("vehicles/<int:pk>/maintenance/new/", views.schedule_create, name="schedule-create"),
    path("leases/new/", views.lease_create, name="lease-create"),
    path("leases/<int:pk>/return/", views.lease_return, name="lease-return"),
    path("catalogue/", views.offer_index, name="offer-list"),
    path("catalogue/new/", views.offer_create, name="offer-create"),
    path("catalogue/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("insurance/", views.insurance_index, name="insurance"),
    path("inspect/", views.inspection_start, name="inspect-start"),
    path("inspections/today/", views.inspections_today, name="inspections-today"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/items/<int:pk>/photo/", views.defect_photo, name="defect-photo"),
    path("maintenance/", views.maintenance_index, name="maintenance"),
]
