from rest_framework import serializers

from .models import Driver


class DriverSerializer(serializers.ModelSerializer):
    class Meta:
        model = Driver
        fields = [
            "id",
            "dsp",
            "first_name",
            "last_name",
            "licence_number",
            "licence_expires_on",
            "status",
            "hired_on",
        ]
