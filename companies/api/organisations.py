"""Organisations and their profiles: the public directory, a profile, its private
parts, and staff verification."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from companies import selectors, services, validation
from companies.models import Organisation
from companies.serializers import (
    OrganisationPrivateSerializer,
    OrganisationPublicSerializer,
)
from sme_platform.api import serializers
from sme_platform.api.permissions import StaffOnlyOrNotFound
from sme_platform.api.views import Api, ListApi, found


class OrganisationDirectoryApi(ListApi):
    """The public directory of verified SME suppliers."""

    permission_classes = [AllowAny]

    class FilterSerializer(serializers.QuerySerializer):
        q = serializers.CharField(
            required=False, default="", help_text="Words in the name or description"
        )
        country = serializers.CharField(required=False, default="", help_text="ISO alpha-2 code")
        hs_code = serializers.CharField(
            required=False, default="", help_text="HS code; a heading finds its subheadings"
        )
        isic_code = serializers.CharField(
            required=False, default="", help_text="ISIC Rev. 4 code, or the start of one"
        )
        certification = serializers.CharField(
            required=False,
            default="",
            help_text="Certification code or name; only valid certificates count",
        )

        def validate_hs_code(self, value: str) -> str:
            return validation.normalise_code(value)

        def validate_isic_code(self, value: str) -> str:
            return validation.normalise_code(value)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: OrganisationPublicSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        suppliers = selectors.supplier_directory(
            text=data["q"],
            country=data["country"],
            hs_code=data["hs_code"],
            isic_code=data["isic_code"],
            certification=data["certification"],
        )
        return self.paginated(suppliers, OrganisationPublicSerializer)


class OrganisationDetailApi(Api):
    """Any organisation's public profile; its own users change it."""

    class InputSerializer(serializers.ModelSerializer):
        # Codes and country lists are typed by the client and looked up by the service.
        hs_codes = serializers.ListField(
            child=serializers.CharField(), required=False, help_text="HS codes, e.g. 610910"
        )
        isic_codes = serializers.ListField(
            child=serializers.CharField(), required=False, help_text="ISIC Rev. 4 codes"
        )
        export_markets = serializers.ListField(
            child=serializers.CharField(), required=False, help_text="ISO country codes"
        )
        languages = serializers.ListField(
            child=serializers.CharField(), required=False, help_text="ISO 639-1 codes"
        )
        sourcing_regions = serializers.ListField(
            child=serializers.CharField(), required=False, help_text="ISO country codes"
        )
        sectors_of_interest = serializers.ListField(
            child=serializers.CharField(), required=False, help_text="ISIC Rev. 4 codes"
        )

        class Meta:
            model = Organisation
            fields = [
                "legal_name",
                "local_name",
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
            ]
            extra_kwargs = {"country": {"required": False}, "legal_name": {"required": False}}

    @extend_schema(responses={200: OrganisationPublicSerializer})
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = found(selectors.organisation_public_get_by_id(pk=organisation_id))
        return Response(OrganisationPublicSerializer(organisation).data)

    @extend_schema(request=InputSerializer, responses={200: OrganisationPrivateSerializer})
    def patch(self, request: Request, organisation_id: int) -> Response:
        organisation = found(
            selectors.organisation_private_get(user=request.user, pk=organisation_id)
        )
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.organisation_update(
            organisation=organisation, actor=request.user, data=serializer.validated_data
        )
        # Read again, so that the answer shows the codes and lines as now stored.
        updated = selectors.organisation_private_get(user=request.user, pk=organisation_id)
        return Response(OrganisationPrivateSerializer(updated, context={"request": request}).data)


class OrganisationPrivateApi(Api):
    """An organisation with its private parts, for its own users and staff."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: OrganisationPrivateSerializer})
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = found(
            selectors.organisation_private_get(user=request.user, pk=organisation_id)
        )
        return Response(
            OrganisationPrivateSerializer(organisation, context={"request": request}).data
        )


class StaffOrganisationVerificationApi(Api):
    """Staff mark an organisation verified or rejected."""

    permission_classes = [StaffOnlyOrNotFound]

    class InputSerializer(serializers.Serializer):
        verification = serializers.ChoiceField(choices=Organisation.Verification.choices)

    @extend_schema(request=InputSerializer, responses={200: OrganisationPrivateSerializer})
    def post(self, request: Request, organisation_id: int) -> Response:
        organisation = found(
            selectors.organisation_private_get(user=request.user, pk=organisation_id)
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = services.organisation_set_verification(
            organisation=organisation, actor=request.user, **serializer.validated_data
        )
        return Response(
            OrganisationPrivateSerializer(organisation, context={"request": request}).data
        )
