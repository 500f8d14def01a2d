from django.contrib import admin

from .models import Driver


@admin.register(Driver)
class DriverAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "dsp", "status", "licence_expires_on"]
    list_filter = ["status", "dsp"]
