"""Day-of-delivery pages: dispatch board, load-out sheet, the driver's day, tracking links."""

from django.urls import path

from routes.web.views import day as views_day
from routes.web.views import driver_app

urlpatterns = [
    path("board/", views_day.day_board, name="day-board"),
    path("board/risk/", views_day.day_risk, name="day-risk"),
    path("board/suggest/", views_day.day_suggest, name="day-suggest"),
    path("board/<int:pk>/assign/", views_day.day_assign, name="day-assign"),
    path("board/<int:pk>/unassign/", views_day.day_unassign, name="day-unassign"),
    path("board/<int:pk>/close/", views_day.day_close, name="day-close"),
    path("board/<int:pk>/links/", views_day.day_links, name="day-links"),
    path(
        "board/<int:pk>/links/<int:package_pk>/resend/",
        views_day.day_link_resend,
        name="day-link-resend",
    ),
    path("load-out/", views_day.day_loadout, name="day-loadout"),
    path("my-day/", views_day.driver_day, name="driver-day"),
    path("my-day/sw.js", driver_app.driver_service_worker, name="driver-sw"),
    path("my-day/data/", views_day.driver_day_data, name="driver-day-data"),
    path("my-route/live/", views_day.driver_day_live_moved, name="my-route-live"),
    path("my-day/confirm/", views_day.driver_confirm, name="driver-confirm"),
    path("track/<str:token>/", views_day.tracking_page, name="tracking"),
]
