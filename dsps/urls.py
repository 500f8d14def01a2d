from django.urls import path

from . import api_key_views, views

app_name = "dsps"

urlpatterns = [
    path("", views.dsp_index, name="list"),
    path("<int:pk>/", views.dsp_detail, name="detail"),
    path("<int:pk>/documents/verify/", views.dsp_documents_verify, name="documents-verify"),
    path("apply/", views.application_start, name="application-start"),
    path("application/", views.application_mine, name="application-mine"),
    path("applications/", views.application_index, name="application-list"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application-decide"),
    path(
        "applications/<int:pk>/documents/<str:kind>/",
        views.application_document,
        name="application-document",
    ),
    path("audit/", views.audit_index, name="audit-list"),
    path("api-keys/", api_key_views.api_key_index, name="api-key-list"),
    path("api-keys/<int:pk>/revoke/", api_key_views.api_key_revoke_view, name="api-key-revoke"),
    path("territories/", views.territory_index, name="territory-list"),
    path("territories/new/", views.territory_new, name="territory-new"),
    path("territories/<int:pk>/", views.territory_detail, name="territory-detail"),
    path("territories/<int:pk>/edit/", views.territory_edit, name="territory-edit"),
    path("territories/<int:pk>/assign/", views.territory_assign_view, name="territory-assign"),
    path("territory-requests/", views.territory_request_index, name="territory-request-list"),
    path(
        "territory-requests/<int:pk>/decide/",
        views.territory_request_decide_view,
        name="territory-request-decide",
    ),
]
