from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from .models import AuditEvent, Dsp, DspApplication, Role, Station, Territory, TerritoryRequest


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


class ApplicationSerializer(serializers.ModelSerializer):
    dsp = serializers.PrimaryKeyRelatedField(read_only=True)
    dsp_code = serializers.CharField(source="dsp.code", read_only=True)
    applicant = serializers.EmailField(source="applicant.email", read_only=True)
    requested_station = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requested_territory = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    requested_territory_code = serializers.CharField(
        source="requested_territory.code", read_only=True, allow_null=True, default=None
    )
    has_insurance_certificate = serializers.SerializerMethodField()
    has_business_registration = serializers.SerializerMethodField()
    documents_verified = serializers.SerializerMethodField()

    class Meta:
        model = DspApplication
        fields = [
            "id",
            "dsp",
            "dsp_code",
            "applicant",
            "status",
            "legal_name",
            "entity_type",
            "contact_name",
            "contact_email",
            "contact_phone",
            "business_address",
            "experience_years",
            "experience",
            "requested_station",
            "requested_territory",
            "requested_territory_code",
            "planned_vans",
            "planned_headcount",
            "has_insurance_certificate",
            "has_business_registration",
            "documents_verified",
            "reviewer_message",
            "submitted_at",
            "decided_at",
        ]

    def get_has_insurance_certificate(self, obj) -> bool:
        return bool(obj.insurance_certificate)

    def get_has_business_registration(self, obj) -> bool:
        return bool(obj.business_registration)

    def get_documents_verified(self, obj) -> bool:
        return obj.documents_verified_at is not None


class ApplicationDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "request_changes", "reject"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    territory = serializers.PrimaryKeyRelatedField(
        queryset=Territory.objects.all(), required=False, allow_null=True, default=None
    )
    documents_verified = serializers.BooleanField(required=False, default=False)


class TerritorySerializer(serializers.ModelSerializer):
    station = serializers.SlugRelatedField(slug_field="code", queryset=Station.objects.all())
    dsp = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    dsp_code = serializers.CharField(
        source="dsp.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Territory
        fields = ["id", "station", "code", "name", "boundary", "postal_codes", "dsp", "dsp_code"]


class TerritoryAssignSerializer(serializers.Serializer):
    dsp = serializers.PrimaryKeyRelatedField(
        queryset=Dsp.objects.all(), allow_null=True, help_text="null releases the territory"
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="TerritoryChange")
class TerritoryRequestSerializer(serializers.ModelSerializer):
    dsp = serializers.PrimaryKeyRelatedField(read_only=True)
    dsp_code = serializers.CharField(source="dsp.code", read_only=True)
    territory = serializers.PrimaryKeyRelatedField(queryset=Territory.objects.all())

    class Meta:
        model = TerritoryRequest
        fields = [
            "id",
            "dsp",
            "dsp_code",
            "territory",
            "kind",
            "status",
            "note",
            "decision_reason",
            "created_at",
            "decided_at",
        ]
        read_only_fields = ["status", "decision_reason", "created_at", "decided_at"]


class TerritoryRequestDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True)
    dsp = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    dsp_code = serializers.CharField(
        source="dsp.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "verb",
            "target_type",
            "target_id",
            "target_label",
            "dsp",
            "dsp_code",
            "reason",
            "data",
        ]


class ApplicationDraftSerializer(serializers.Serializer):
    """The applicant's fields (all optional: a draft is saved piece by piece) and documents."""

    legal_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    entity_type = serializers.ChoiceField(
        choices=DspApplication.EntityType.choices, required=False, allow_blank=True
    )
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    business_address = serializers.CharField(required=False, allow_blank=True, max_length=255)
    experience_years = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    experience = serializers.CharField(required=False, allow_blank=True)
    requested_station = serializers.PrimaryKeyRelatedField(
        queryset=Station.objects.all(), required=False
    )
    requested_territory = serializers.PrimaryKeyRelatedField(
        queryset=Territory.objects.filter(dsp__isnull=True), required=False, allow_null=True
    )
    planned_vans = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    planned_headcount = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    insurance_certificate = serializers.FileField(required=False)
    business_registration = serializers.FileField(required=False)
