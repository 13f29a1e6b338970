"""How the clusters API writes clusters, memberships and their history, and reads their input."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework.fields import empty

from clusters.api.fields import model_charfield
from clusters.models import Cluster, ClusterMembership, MembershipEvent
from companies.models import Organisation
from companies.serializers import ContactPersonSerializer
from sme_platform.api import serializers


class ClusterSerializer(serializers.ModelSerializer):
    sector = serializers.CharField(source="sector.code", read_only=True)
    sector_description = serializers.CharField(source="sector.description", read_only=True)
    main_products = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    body = serializers.CharField(source="body.legal_name", read_only=True)

    class Meta:
        model = Cluster
        fields = [
            "id",
            "name",
            "slug",
            "country",
            "province",
            "sector",
            "sector_description",
            "main_products",
            "description",
            "website",
            "founded",
            "status",
            "body",
            "created_at",
        ]


class ManagedClusterSerializer(ClusterSerializer):
    managers = serializers.SlugRelatedField(slug_field="email", many=True, read_only=True)

    class Meta(ClusterSerializer.Meta):
        fields = [*ClusterSerializer.Meta.fields, "review_note", "managers"]


class PublicMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "legal_name", "slug", "country", "province", "city"]


class CapacityTotalSerializer(serializers.Serializer):
    unit = serializers.CharField()
    total = serializers.IntegerField(help_text="Pooled monthly capacity of the members")


class ProductCapabilitySerializer(serializers.Serializer):
    hs_code = serializers.CharField()
    description = serializers.CharField()
    member_count = serializers.IntegerField(help_text="Members that make this product")
    capacities = CapacityTotalSerializer(many=True)


class CertificationCoverageSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    name = serializers.CharField()
    member_count = serializers.IntegerField(help_text="Members holding a valid certificate")


class CapabilitiesSerializer(serializers.Serializer):
    member_count = serializers.IntegerField()
    products = ProductCapabilitySerializer(many=True)
    certifications = CertificationCoverageSerializer(many=True)


class PublicLinkageSerializer(serializers.Serializer):
    supplier_name = serializers.CharField()
    supplier_slug = serializers.CharField()
    buyer_name = serializers.CharField(help_text="Empty when the request is confidential")
    request_title = serializers.CharField(help_text="Empty when the request is confidential")
    linked_at = serializers.DateTimeField()


class ClusterPageSerializer(serializers.Serializer):
    cluster = ClusterSerializer()
    members = PublicMemberSerializer(many=True)
    capabilities = CapabilitiesSerializer()
    linkages = PublicLinkageSerializer(many=True)


class MembershipSerializer(serializers.ModelSerializer):
    cluster = serializers.CharField(source="cluster.slug", read_only=True)
    cluster_name = serializers.CharField(source="cluster.name", read_only=True)
    supplier = serializers.IntegerField(source="supplier_id", read_only=True, allow_null=True)
    supplier_name = serializers.CharField(source="supplier.legal_name", read_only=True, default="")

    class Meta:
        model = ClusterMembership
        fields = [
            "id",
            "cluster",
            "cluster_name",
            "supplier",
            "supplier_name",
            "invited_email",
            "status",
            "listed_publicly",
            "share_contacts",
            "message",
            "joined_at",
            "created_at",
            "updated_at",
        ]


class ManagerMembershipSerializer(MembershipSerializer):
    contacts = serializers.SerializerMethodField(
        help_text="The member's contact people, only when it agreed to share them"
    )

    class Meta(MembershipSerializer.Meta):
        fields = [*MembershipSerializer.Meta.fields, "contacts"]

    @extend_schema_field(ContactPersonSerializer(many=True))
    def get_contacts(self, membership: ClusterMembership) -> list[dict[str, Any]]:
        contacts = self.context.get("contacts", {}).get(membership.pk, [])
        return ContactPersonSerializer(contacts, many=True).data


class EventSerializer(serializers.ModelSerializer):
    # Who acted, as the viewer may know them (the selector decides): never another
    # side's e-mail that it did not agree to share.
    actor = serializers.CharField(source="actor_shown", read_only=True, default=None)

    class Meta:
        model = MembershipEvent
        fields = ["id", "actor", "from_status", "to_status", "note", "created_at"]


class NoteInputSerializer(serializers.Serializer):
    note = model_charfield(MembershipEvent, "note", help_text="Reason or remark, kept in history")


class ConsentInputSerializer(serializers.Serializer):
    listed_publicly = serializers.BooleanField(
        default=False, help_text="The firm agrees to be listed on the cluster's public page"
    )
    share_contacts = serializers.BooleanField(
        default=False, help_text="The firm agrees that the managers see its contact people"
    )


class ClusterInputSerializer(serializers.Serializer):
    """A cluster's fields as the model checks them; codes are looked up by the service."""

    name = model_charfield(Cluster, "name", required=False, allow_blank=True)
    country = serializers.CharField(required=False, help_text="ISO 3166-1 alpha-2 code")
    province = serializers.CharField(required=False, allow_blank=True, help_text="ISO 3166-2")
    sector = serializers.CharField(required=False, help_text="ISIC Rev. 4 code, e.g. 1430")
    main_products = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="HS codes, e.g. 611030"
    )
    description = model_charfield(Cluster, "description", default=empty)
    website = model_charfield(Cluster, "website", default=empty)
    founded = serializers.IntegerField(required=False, allow_null=True)

    def validate_country(self, value: str) -> str:
        return value.upper()

    def validate_province(self, value: str) -> str:
        return value.upper()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {field: ["This field cannot be changed here."] for field in unknown}
            )
        return attrs
