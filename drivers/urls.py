from django.urls import path

from . import views

app_name = "drivers"

urlpatterns = [
    path("", views.driver_index, name="list"),
    path("me/", views.driver_me, name="me"),
    path("compliance/", views.compliance, name="compliance"),
    path("jobs/", views.jobs, name="jobs"),
    path("hiring/", views.hiring_board, name="hiring"),
    path("hiring/<int:pk>/move/", views.applicant_move, name="applicant-move"),
    path("training/", views.training_index, name="training"),
    path("training/author/", views.training_author, name="training-author"),
    path("training/<int:pk>/", views.training_module, name="module"),
    path("documents/<int:pk>/", views.driver_document_file, name="document"),
    path("<int:pk>/", views.driver_detail, name="detail"),
    path("<int:pk>/edit/", views.driver_edit, name="edit"),
    path("<int:pk>/documents/", views.driver_document_upload, name="document-add"),
    path("<int:pk>/availability/", views.driver_availability, name="availability"),
    path("<int:pk>/time-off/", views.driver_time_off_add, name="time-off-add"),
    path("<int:pk>/invite/", views.driver_invite, name="invite"),
    path("<int:pk>/incidents/", views.driver_incident_add, name="incident-add"),
]
