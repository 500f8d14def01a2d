from django.contrib import admin

from .models import Vehicle


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["plate", "dsp", "kind", "status"]
    list_filter = ["status", "kind", "dsp"]
