from django.contrib import admin

from .models import Manifest, Package, Route


@admin.register(Manifest)
class ManifestAdmin(admin.ModelAdmin):
    list_display = ["station", "service_date", "package_count"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["tracking_id", "manifest", "dsp", "priority"]
    list_filter = ["priority"]
    raw_id_fields = ["manifest"]


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    list_display = ["code", "service_date", "dsp", "driver", "vehicle", "status"]
    list_filter = ["status", "dsp"]
