from django.contrib import admin

from routes.models import Manifest, Package, PlanJob, PlanRun, Route, RouteStop, Stop


@admin.register(Manifest)
class ManifestAdmin(admin.ModelAdmin):
    list_display = ["station", "service_date", "package_count"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["tracking_id", "manifest", "dsp", "priority"]
    list_filter = ["priority"]
    raw_id_fields = ["manifest", "stop"]


@admin.register(Stop)
class StopAdmin(admin.ModelAdmin):
    list_display = ["address", "manifest", "dsp", "package_count", "priority", "drop_reason"]
    list_filter = ["priority", "dsp"]
    raw_id_fields = ["manifest"]


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ["code", "service_date", "dsp", "driver", "vehicle", "status", "planned_stops"]
    list_filter = ["status", "dsp"]


@admin.register(RouteStop)
class RouteStopAdmin(admin.ModelAdmin):
    list_display = ["route", "sequence", "stop", "planned_arrival"]
    raw_id_fields = ["route", "stop"]


class PlanRunInline(admin.TabularInline):
    model = PlanRun
    extra = 0
    readonly_fields = ["dsp", "status", "attempts", "best_objective", "elapsed_s", "error"]
    fields = readonly_fields


@admin.register(PlanJob)
class PlanJobAdmin(admin.ModelAdmin):
    list_display = ["station", "service_date", "dsp", "status", "time_limit_s", "created_at"]
    list_filter = ["status"]
    inlines = [PlanRunInline]
