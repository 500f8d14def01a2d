from django.urls import include, path

from routes.web.views import planning as views

app_name = "routes"

urlpatterns = [
    path("", views.day, name="day"),
    path("day/export.csv", views.day_export, name="day-export"),
    path("manifests/import/", views.manifest_import_view, name="manifest-import"),
    path("manifests/template.csv", views.manifest_template, name="manifest-template"),
    path("plan/", views.plan, name="plan"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job-progress"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job-cancel"),
    path("uncovered/", views.uncovered, name="uncovered"),
    path("<int:pk>/", views.route_detail, name="route-detail"),
    path("<int:pk>/move/", views.route_move, name="route-move"),
    path("<int:pk>/move/preview/", views.route_move_preview, name="route-move-preview"),
    path("<int:pk>/timeline/", views.route_timeline_view, name="route-timeline"),
    path("", include("routes.web.urls.day")),
    path("", include("routes.web.urls.live")),
]
