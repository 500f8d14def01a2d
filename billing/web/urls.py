from django.urls import path

from billing.web import pay_views, views

app_name = "billing"

urlpatterns = [
    path("market/<int:pk>/", views.market, name="market"),
    path("scorecards/", views.scorecard_list, name="scorecard-list"),
    path("scorecards/<int:pk>/", views.scorecard_detail, name="scorecard-detail"),
    path(
        "scorecards/<int:pk>/metric/<slug:metric>/", views.scorecard_metric, name="scorecard-metric"
    ),
    path(
        "scorecards/<int:pk>/drivers/<int:driver_pk>/",
        views.driver_scorecard,
        name="driver-scorecard",
    ),
    path("statements/", views.statement_list, name="statement-list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement-detail"),
    path("statements/<int:pk>/approve/", views.statement_approve, name="statement-approve"),
    path("statements/<int:pk>/lines/", views.statement_line_add, name="statement-line-add"),
    path("statements/<int:pk>/csv/", views.statement_csv, name="statement-csv"),
    path("statements/<int:pk>/pdf/", views.statement_pdf_view, name="statement-pdf"),
    path("lines/<int:pk>/", views.line_evidence, name="line-evidence"),
    path("lines/<int:pk>/dispute/", views.dispute_open, name="dispute-open"),
    path("disputes/", views.dispute_list, name="dispute-list"),
    path("disputes/<int:pk>/resolve/", views.dispute_resolve, name="dispute-resolve"),
    path("finances/", views.finances, name="finances"),
    path("driver-pay.csv", views.driver_pay_csv, name="driver-pay"),
    path("rates/", views.rate_list, name="rate-list"),
    path("pay/", pay_views.pay_mine, name="pay-mine"),
    path("pay/drivers/", pay_views.pay_drivers, name="pay-drivers"),
    path("pay/drivers/<int:pk>/", pay_views.pay_driver, name="pay-driver"),
    path("pay/questions/", pay_views.pay_questions, name="pay-questions"),
    path("pay/questions/<int:pk>/", pay_views.pay_question, name="pay-question"),
    path("pay/incentives/", pay_views.pay_incentives, name="pay-incentives"),
    path("rates/new/", views.rate_create, name="rate-create"),
    path("rates/peaks/new/", views.peak_create, name="peak-create"),
    path("thresholds/", views.threshold_list, name="threshold-list"),
    path("thresholds/new/", views.threshold_create, name="threshold-create"),
]
