"""Root URLs: pages per app, the API under /api/v1/, its schema and docs, health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from analytics import api as analytics_api
from billing.web.api import (
    DisputeViewSet,
    FinancesApi,
    PeakPeriodViewSet,
    RateCardViewSet,
    ScorecardViewSet,
    StatementViewSet,
    ThresholdSetApi,
)
from billing.web.pay_api import IncentiveTableApi, PayDiscrepancyViewSet, PayWeekApi
from compliance import api as compliance_api
from drivers.api import (
    ApplicantMoveApi,
    ApplicantViewSet,
    DriverViewSet,
    SafetyIncidentViewSet,
    TimeOffViewSet,
    TrainingAttemptApi,
    TrainingCompletionViewSet,
    TrainingModuleViewSet,
    WeeklyAvailabilityViewSet,
)
from dsps.api import (
    ApplicationViewSet,
    AuditEventViewSet,
    DspViewSet,
    MeApi,
    StationViewSet,
    TerritoryRequestViewSet,
    TerritoryViewSet,
)
from dsps.views import home
from fleet.api import (
    InspectionViewSet,
    InsurancePolicyViewSet,
    LeaseViewSet,
    MaintenanceScheduleViewSet,
    RepairViewSet,
    VehicleOfferViewSet,
    VehicleViewSet,
)
from integrations import api as integrations_api
from network import api as network_api
from routes.web.api.day import (
    DayAssignApi,
    DayConfirmationApi,
    DayEventApi,
    DayPunchApi,
    DayScanApi,
    DeliveryEventPhotoApi,
)
from routes.web.api.live import (
    DisruptionViewSet,
    LiveBoardApi,
    MyRouteLiveApi,
    PingApi,
    ReplanJobViewSet,
    RouteMessagesApi,
)
from routes.web.api.planning import (
    DayExportApi,
    ManifestImportApi,
    ManifestTemplateApi,
    PlanJobViewSet,
    RouteStopMoveApi,
    RouteStopPackagesApi,
    RouteViewSet,
    StopAllocateApi,
    StopViewSet,
)
from supplies import api as supplies_api

from .views import healthz

router = DefaultRouter()
router.register("stations", StationViewSet, basename="station")
router.register("dsps", DspViewSet, basename="dsp")
router.register("applications", ApplicationViewSet, basename="application")
router.register("territories", TerritoryViewSet, basename="territory")
router.register("territory-requests", TerritoryRequestViewSet, basename="territory-request")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("vehicles", VehicleViewSet, basename="vehicle")
router.register("vehicle-offers", VehicleOfferViewSet, basename="vehicle-offer")
router.register("leases", LeaseViewSet, basename="lease")
router.register("insurance-policies", InsurancePolicyViewSet, basename="insurance-policy")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register(
    "maintenance-schedules", MaintenanceScheduleViewSet, basename="maintenance-schedule"
)
router.register("repairs", RepairViewSet, basename="repair")
router.register("drivers", DriverViewSet, basename="driver")
router.register("applicants", ApplicantViewSet, basename="applicant")
router.register("training-modules", TrainingModuleViewSet, basename="training-module")
router.register("training-completions", TrainingCompletionViewSet, basename="training-completion")
router.register("availability", WeeklyAvailabilityViewSet, basename="availability")
router.register("time-off", TimeOffViewSet, basename="time-off")
router.register("safety-incidents", SafetyIncidentViewSet, basename="safety-incident")
router.register("routes", RouteViewSet, basename="route")
router.register("stops", StopViewSet, basename="stop")
router.register("plan-jobs", PlanJobViewSet, basename="planjob")
router.register("rate-cards", RateCardViewSet, basename="rate-card")
router.register("peak-periods", PeakPeriodViewSet, basename="peak-period")
router.register("scorecards", ScorecardViewSet, basename="scorecard")
router.register("statements", StatementViewSet, basename="statement")
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("pay-discrepancies", PayDiscrepancyViewSet, basename="pay-discrepancy")
# --- live tracking, disruptions and messages ---
router.register("disruptions", DisruptionViewSet, basename="disruption")
router.register("replan-jobs", ReplanJobViewSet, basename="replanjob")
live_api_urls = [
    path("pings/", PingApi.as_view(), name="ping-list"),
    path("live-board/", LiveBoardApi.as_view(), name="live-board"),
    path("my-route/live/", MyRouteLiveApi.as_view(), name="my-route-live"),
    path("routes/<int:pk>/messages/", RouteMessagesApi.as_view(), name="route-messages"),
]

# The apps above billing register their own viewsets and endpoints.
TOP_APIS = (network_api, analytics_api, integrations_api, compliance_api, supplies_api)
for top_api in TOP_APIS:
    top_api.register(router)

api_urls = [
    path("me/", MeApi.as_view(), name="me"),
    path("applicant-moves/", ApplicantMoveApi.as_view(), name="applicant-move"),
    path("training-attempts/", TrainingAttemptApi.as_view(), name="training-attempt"),
    path("manifests/import/", ManifestImportApi.as_view(), name="manifest-import"),
    path("manifests/template/", ManifestTemplateApi.as_view(), name="manifest-template"),
    path("stops/allocate/", StopAllocateApi.as_view(), name="stop-allocate"),
    path("route-stops/<int:pk>/move/", RouteStopMoveApi.as_view(), name="route-stop-move"),
    path(
        "route-stops/<int:pk>/packages/",
        RouteStopPackagesApi.as_view(),
        name="route-stop-packages",
    ),
    path("day/assignments/", DayAssignApi.as_view(), name="day-assign"),
    path("day/scans/", DayScanApi.as_view(), name="day-scan"),
    path("day/events/", DayEventApi.as_view(), name="day-event"),
    path("day/punches/", DayPunchApi.as_view(), name="day-punch"),
    path("day/confirmations/", DayConfirmationApi.as_view(), name="day-confirmation"),
    path("day/export/", DayExportApi.as_view(), name="day-export"),
    path(
        "delivery-events/<int:pk>/photo/",
        DeliveryEventPhotoApi.as_view(),
        name="delivery-event-photo",
    ),
    path("thresholds/", ThresholdSetApi.as_view(), name="threshold-set"),
    path("finances/", FinancesApi.as_view(), name="finances"),
    path("pay/week/", PayWeekApi.as_view(), name="pay-week"),
    path("pay/incentives/", IncentiveTableApi.as_view(), name="pay-incentives"),
    *live_api_urls,
    *(url for top_api in TOP_APIS for url in top_api.api_urls),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("dsps/", include("dsps.urls")),
    path("fleet/", include("fleet.urls")),
    path("drivers/", include("drivers.urls")),
    path("billing/", include("billing.web.urls")),
    path("routes/", include("routes.web.urls")),
    path("network/", include("network.urls")),
    path("analytics/", include("analytics.urls")),
    path("integrations/", include("integrations.urls")),
    path("compliance/", include("compliance.urls")),
    path("supplies/", include("supplies.urls")),
    path("api/v1/", include((api_urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]

handler404 = "nextmile.views.page_not_found"
