"""Output serializers shared by several API views.

Public serializers list their fields one by one: a field added to a model stays
private until someone decides to publish it here. Contact people, certificate
numbers and evidence files appear only in the ``Private`` serializers.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field

from companies import uploads
from companies.models import (
    Certification,
    ContactPerson,
    HsCode,
    IsicCode,
    Organisation,
    ProductLine,
    User,
)
from sme_platform.api import serializers


class HsCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = HsCode
        fields = ["code", "description", "level"]


class IsicCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = IsicCode
        fields = ["code", "description", "level"]


class CertificationPublicSerializer(serializers.ModelSerializer):
    scheme = serializers.CharField(source="scheme.code", read_only=True)
    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    is_expired = serializers.BooleanField(read_only=True)
    counts = serializers.BooleanField(
        read_only=True, help_text="Valid and not rejected: matching and filters use it"
    )

    class Meta:
        model = Certification
        fields = [
            "id",
            "scheme",
            "scheme_name",
            "issuer",
            "valid_until",
            "status",
            "is_expired",
            "counts",
        ]


class CertificationPrivateSerializer(CertificationPublicSerializer):
    evidence = serializers.SerializerMethodField(
        help_text="Link to the uploaded copy, for the organisation's users and staff; null if none"
    )

    class Meta(CertificationPublicSerializer.Meta):
        fields = [
            *CertificationPublicSerializer.Meta.fields,
            "certificate_number",
            "evidence",
            "checked_at",
            "created_at",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_evidence(self, certification: Certification) -> str | None:
        # Never the storage's URL: the file is only served by the page that checks who asks.
        if not certification.evidence:
            return None
        kind = uploads.kind_of_stored_name(certification.evidence.name or "")
        path = reverse(
            "certification-evidence-file",
            args=[certification.pk, uploads.served_name(certification.pk, kind)],
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ProductLineSerializer(serializers.ModelSerializer):
    hs_code = HsCodeSerializer(read_only=True)

    class Meta:
        model = ProductLine
        fields = ["id", "hs_code", "description", "monthly_capacity", "unit", "min_order_quantity"]


class ContactPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["id", "name", "position", "email", "phone", "is_primary"]


class OrganisationPublicSerializer(serializers.ModelSerializer):
    hs_codes = HsCodeSerializer(many=True, read_only=True)
    isic_codes = IsicCodeSerializer(many=True, read_only=True)
    sectors_of_interest = IsicCodeSerializer(many=True, read_only=True)
    certifications = CertificationPublicSerializer(many=True, read_only=True)
    product_lines = ProductLineSerializer(many=True, read_only=True)
    export_markets = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    sourcing_regions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "legal_name",
            "local_name",
            "slug",
            "country",
            "province",
            "city",
            "nearest_port",
            "year_founded",
            "employees_band",
            "website",
            "description",
            "processes",
            "hs_codes",
            "isic_codes",
            "export_markets",
            "languages",
            "sourcing_regions",
            "sectors_of_interest",
            "certifications",
            "product_lines",
            "verification",
            "verified_at",
        ]


class OrganisationPrivateSerializer(OrganisationPublicSerializer):
    contacts = ContactPersonSerializer(many=True, read_only=True)
    certifications = CertificationPrivateSerializer(many=True, read_only=True)

    class Meta(OrganisationPublicSerializer.Meta):
        fields = [*OrganisationPublicSerializer.Meta.fields, "contacts"]


class OrganisationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "kind", "legal_name", "slug", "country", "verification"]


class UserSerializer(serializers.ModelSerializer):
    organisation = OrganisationSummarySerializer(read_only=True, allow_null=True)
    email_confirmed = serializers.BooleanField(
        source="is_email_confirmed",
        read_only=True,
        help_text=(
            "False until the sign-up's confirmation link is followed: until then posting, "
            "answering proposals and contacts answer 403 email_not_confirmed"
        ),
    )

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "is_staff", "email_confirmed", "organisation"]


class UserWithTokenSerializer(serializers.Serializer):
    """A newly created account with its API token, for the client to keep."""

    user = UserSerializer()
    organisation = OrganisationSummarySerializer()
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`")
