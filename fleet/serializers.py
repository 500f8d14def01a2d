from rest_framework import serializers

from .models import (
    CheckItem,
    Inspection,
    InspectionItem,
    InsuranceOption,
    InsurancePolicy,
    Lease,
    MaintenanceSchedule,
    Repair,
    Vehicle,
    VehicleOffer,
)


class VehicleSerializer(serializers.ModelSerializer):
    energy_per_km = serializers.DecimalField(
        source="offer.energy_per_km",
        max_digits=6,
        decimal_places=3,
        read_only=True,
        allow_null=True,  # a van leased outside the catalogue has no offer
        default=None,
    )

    class Meta:
        model = Vehicle
        fields = [
            "id",
            "dsp",
            "plate",
            "vin",
            "kind",
            "package_capacity",
            "status",
            "offer",
            "energy_per_km",
            "odometer_km",
            "grounded_at",
            "grounded_reason",
        ]


class VehicleGroundInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True)


class AvailableQuerySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="default: the station's today")


class InsuranceOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = InsuranceOption
        fields = ["id", "name", "monthly_premium", "deductible"]


class VehicleOfferSerializer(serializers.ModelSerializer):
    rate_after_discount = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    insurance_options = InsuranceOptionSerializer(many=True, read_only=True)

    class Meta:
        model = VehicleOffer
        fields = [
            "id",
            "name",
            "kind",
            "package_capacity",
            "cargo_volume_m3",
            "energy_kind",
            "energy_per_km",
            "monthly_rate",
            "discount_percent",
            "rate_after_discount",
            "minimum_term_months",
            "branding_included",
            "available_from",
            "is_active",
            "insurance_options",
        ]


class LeaseSerializer(serializers.ModelSerializer):
    plate = serializers.CharField(source="vehicle.plate", read_only=True)
    vin = serializers.CharField(source="vehicle.vin", read_only=True)

    class Meta:
        model = Lease
        fields = [
            "id",
            "dsp",
            "vehicle",
            "plate",
            "vin",
            "offer",
            "starts_on",
            "ends_on",
            "monthly_rate",
            "is_peak",
            "returned_on",
        ]


class LeaseCreateSerializer(serializers.Serializer):
    offer = serializers.PrimaryKeyRelatedField(queryset=VehicleOffer.objects.all())
    vin = serializers.CharField(max_length=17)
    plate = serializers.CharField(max_length=16)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    is_peak = serializers.BooleanField(required=False, default=False)
    insurance_option = serializers.PrimaryKeyRelatedField(
        queryset=InsuranceOption.objects.all(), required=False, allow_null=True
    )


class LeaseReturnSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="default: the station's today")


class InsurancePolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = InsurancePolicy
        fields = [
            "id",
            "dsp",
            "vehicle",
            "option",
            "insurer",
            "policy_number",
            "monthly_premium",
            "starts_on",
            "expires_on",
        ]
        read_only_fields = ["dsp"]


class InspectionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionItem
        fields = ["id", "item", "state", "note", "photo"]


class InspectionSerializer(serializers.ModelSerializer):
    items = InspectionItemSerializer(many=True, read_only=True)
    # Plain strings, not enums: OpenAPI enum names would collide with the van's "kind".
    kind = serializers.CharField(read_only=True, help_text="pre_trip or post_trip")

    class Meta:
        model = Inspection
        fields = [
            "id",
            "vehicle",
            "inspector",
            "kind",
            "inspected_on",
            "odometer_km",
            "result",
            "notes",
            "items",
            "created_at",
        ]


def _inspection_input_fields() -> dict:
    fields = {
        "vehicle": serializers.PrimaryKeyRelatedField(queryset=Vehicle.objects.all()),
        "kind": serializers.CharField(
            default=Inspection.Kind.PRE_TRIP, help_text="pre_trip or post_trip"
        ),
        "odometer_km": serializers.IntegerField(min_value=0),
        "notes": serializers.CharField(required=False, allow_blank=True, default=""),
    }
    for value, _label in CheckItem.choices:
        fields[value] = serializers.CharField(
            help_text="ok, defect or out_of_service", max_length=16
        )
        fields[f"{value}_note"] = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=500
        )
        fields[f"{value}_photo"] = serializers.FileField(required=False, allow_null=True)
    return fields


InspectionCreateSerializer = type(
    "InspectionCreateSerializer",
    (serializers.Serializer,),
    {
        **_inspection_input_fields(),
        "__doc__": "A DVIC as multipart form data: `<item>`, `<item>_note` and `<item>_photo` "
        "for each checklist item; a defect needs a note and a photo.",
    },
)


class MaintenanceScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaintenanceSchedule
        fields = [
            "id",
            "vehicle",
            "task",
            "every_km",
            "every_months",
            "last_done_on",
            "last_done_km",
        ]
        extra_kwargs = {"last_done_km": {"required": False}}


class RepairSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(default=Repair.Kind.REPAIR, help_text="repair or service")

    class Meta:
        model = Repair
        fields = [
            "id",
            "vehicle",
            "kind",
            "schedule",
            "performed_on",
            "vendor",
            "description",
            "cost",
            "odometer_km",
            "logged_by",
        ]
        read_only_fields = ["logged_by"]
