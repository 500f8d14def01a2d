from django.urls import path

from routes.web.views import live as views_live

urlpatterns = [
    path("live/", views_live.board, name="live-board"),
    path("live/data/", views_live.board_data, name="live-board-data"),
    path("live/disruptions/", views_live.disruption_create, name="disruption-create"),
    path("live/replans/<int:pk>/", views_live.replan_detail, name="replan-detail"),
    path("live/replans/<int:pk>/apply/", views_live.replan_apply, name="replan-apply"),
    path("live/replans/<int:pk>/again/", views_live.replan_again, name="replan-again"),
    path("live/<int:pk>/rescue/", views_live.rescue_start, name="rescue-start"),
    path("messages/", views_live.inbox, name="messages-inbox"),
    path("<int:pk>/messages/", views_live.thread, name="messages"),
]
