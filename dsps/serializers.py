from rest_framework import serializers

from .models import Dsp, Role, Station


class StationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Station
        fields = [
            "id",
            "code",
            "name",
            "address",
            "latitude",
            "longitude",
            "timezone",
            "opens_at",
            "closes_at",
        ]


class DspSerializer(serializers.ModelSerializer):
    station = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Dsp
        fields = ["id", "name", "code", "legal_name", "station", "status", "activated_at"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, allow_null=True)
    dsp = DspSerializer(allow_null=True)
