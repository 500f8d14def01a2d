from django.urls import path

from . import views

app_name = "dsps"

urlpatterns = [
    path("", views.dsp_index, name="list"),
    path("<int:pk>/", views.dsp_detail, name="detail"),
]
