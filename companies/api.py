"""The organisations API under /api/v1/.

Each view validates its input, calls one service or selector and serializes the
result. Rules live in ``companies.services`` (writes) and ``companies.selectors``
(reads, scoped by the acting user). An object another organisation owns is
answered with 404, never 403, so its existence does not leak.
"""

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from companies import geography, selectors, services, validation
from companies.models import Certification, Invitation, Organisation, Unit, User
from companies.permissions import MemberForWrites, OrganisationOwner
from companies.serializers import (
    CertificationPrivateSerializer,
    ContactPersonSerializer,
    HsCodeSerializer,
    IsicCodeSerializer,
    OrganisationPrivateSerializer,
    OrganisationPublicSerializer,
    ProductLineSerializer,
    UserSerializer,
    UserWithTokenSerializer,
)
from sme_platform.api.permissions import StaffOnlyOrNotFound
from sme_platform.api.views import Api, ListApi, found


def _token_response(user: User) -> Response:
    token = services.auth_token_issue(user=user)
    data = UserWithTokenSerializer(
        {"user": user, "organisation": user.organisation, "token": token}
    ).data
    return Response(data, status=status.HTTP_201_CREATED)


# ACCOUNTS
# ------------------------------------------------------------------------------


class RegisterApi(Api):
    """Register an organisation with its first user, who owns it."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
        legal_name = serializers.CharField()
        local_name = serializers.CharField(required=False, allow_blank=True, default="")
        country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, e.g. VN")
        province = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="ISO 3166-2 code, e.g. VN-SG"
        )
        city = serializers.CharField(required=False, allow_blank=True, default="")
        email = serializers.EmailField()
        password = serializers.CharField(
            write_only=True, trim_whitespace=False, style={"input_type": "password"}
        )
        full_name = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={201: UserWithTokenSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.organisation_register(**serializer.validated_data)
        return _token_response(user)


class TokenObtainApi(Api):
    """Exchange an e-mail address and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(
            write_only=True, trim_whitespace=False, style={"input_type": "password"}
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            user = authenticate(
                self.context["request"], email=attrs["email"].lower(), password=attrs["password"]
            )
            if user is None:
                raise serializers.ValidationError(
                    "No active account matches this e-mail address and password."
                )
            return {"user": user}

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = services.auth_token_issue(user=serializer.validated_data["user"])
        return Response(self.OutputSerializer({"token": token}).data)


class MeApi(Api):
    """The logged-in user, their role and organisation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UserSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class InvitationAcceptApi(Api):
    """An invited colleague creates their account inside the inviting organisation."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField()
        password = serializers.CharField(
            write_only=True, trim_whitespace=False, style={"input_type": "password"}
        )
        full_name = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: UserWithTokenSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.invitation_accept(**serializer.validated_data)
        return _token_response(user)


class InvitationListApi(ListApi):
    """An owner's invitations of colleagues, and sending a new one."""

    permission_classes = [OrganisationOwner]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        role = serializers.ChoiceField(choices=User.Role.choices, default=User.Role.MEMBER)

    class OutputSerializer(serializers.ModelSerializer):
        is_open = serializers.BooleanField(read_only=True)

        class Meta:
            model = Invitation
            fields = [
                "id",
                "email",
                "role",
                "created_at",
                "expires_at",
                "sent_at",
                "accepted_at",
                "is_open",
            ]

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.invitation_list(user=request.user), self.OutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.colleague_invite(
            organisation=selectors.organisation_of(user=request.user),
            actor=request.user,
            **serializer.validated_data,
        )
        return Response(self.OutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


# ORGANISATIONS
# ------------------------------------------------------------------------------


class OrganisationDirectoryApi(ListApi):
    """The public directory of verified SME suppliers."""

    permission_classes = [AllowAny]

    class FilterSerializer(serializers.Serializer):
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

    class InputSerializer(serializers.Serializer):
        legal_name = serializers.CharField(required=False)
        local_name = serializers.CharField(required=False, allow_blank=True)
        country = serializers.CharField(required=False, help_text="ISO 3166-1 alpha-2 code")
        province = serializers.CharField(
            required=False, allow_blank=True, help_text="ISO 3166-2 code"
        )
        city = serializers.CharField(required=False, allow_blank=True)
        nearest_port = serializers.CharField(required=False, allow_blank=True)
        year_founded = serializers.IntegerField(required=False, allow_null=True)
        employees_band = serializers.ChoiceField(
            choices=Organisation.EmployeesBand.choices, required=False, allow_blank=True
        )
        website = serializers.URLField(required=False, allow_blank=True)
        description = serializers.CharField(required=False, allow_blank=True)
        processes = serializers.CharField(required=False, allow_blank=True)
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

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            # A field that cannot be changed here (verification, kind, ...) is refused
            # out loud rather than silently dropped.
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {field: ["This field cannot be changed here."] for field in unknown}
                )
            return attrs

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
        organisation = selectors.organisation_private_get(user=request.user, pk=organisation_id)
        return Response(
            OrganisationPrivateSerializer(organisation, context={"request": request}).data
        )


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


# CONTACT PEOPLE
# ------------------------------------------------------------------------------


class ContactInputSerializer(serializers.Serializer):
    name = serializers.CharField()
    position = serializers.CharField(required=False, allow_blank=True)
    email = serializers.EmailField()
    phone = serializers.CharField(required=False, allow_blank=True)
    is_primary = serializers.BooleanField(required=False)


class OrganisationContactListApi(ListApi):
    """An organisation's contact people: private to its users and staff."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ContactPersonSerializer(many=True)})
    def get(self, request: Request, organisation_id: int) -> Response:
        organisation = found(
            selectors.organisation_private_get(user=request.user, pk=organisation_id)
        )
        contacts = selectors.contact_list(user=request.user, organisation=organisation)
        return self.paginated(contacts, ContactPersonSerializer)

    @extend_schema(request=ContactInputSerializer, responses={201: ContactPersonSerializer})
    def post(self, request: Request, organisation_id: int) -> Response:
        organisation = found(
            selectors.organisation_private_get(user=request.user, pk=organisation_id)
        )
        serializer = ContactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = services.contact_person_create(
            organisation=organisation, actor=request.user, data=serializer.validated_data
        )
        return Response(ContactPersonSerializer(contact).data, status=status.HTTP_201_CREATED)


class ContactDetailApi(Api):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ContactPersonSerializer})
    def get(self, request: Request, pk: int) -> Response:
        contact = found(selectors.contact_get(user=request.user, pk=pk))
        return Response(ContactPersonSerializer(contact).data)

    @extend_schema(request=ContactInputSerializer, responses={200: ContactPersonSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        contact = found(selectors.contact_get(user=request.user, pk=pk))
        serializer = ContactInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        contact = services.contact_person_update(
            contact=contact, actor=request.user, data=serializer.validated_data
        )
        return Response(ContactPersonSerializer(contact).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        contact = found(selectors.contact_get(user=request.user, pk=pk))
        services.contact_person_delete(contact=contact, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# CERTIFICATIONS
# ------------------------------------------------------------------------------


class CertificationListApi(ListApi):
    """The certificates of the user's organisation; adding one with its evidence file."""

    permission_classes = [MemberForWrites]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):
        scheme = serializers.CharField(help_text="Catalogue code or name, e.g. iso-9001")
        issuer = serializers.CharField(help_text="The certification body")
        certificate_number = serializers.CharField()
        valid_until = serializers.DateField()
        evidence = serializers.FileField(
            required=False, help_text="A scan of the certificate: PDF, PNG, JPEG or WebP"
        )

    @extend_schema(responses={200: CertificationPrivateSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.certification_list(user=request.user), CertificationPrivateSerializer
        )

    @extend_schema(request=InputSerializer, responses={201: CertificationPrivateSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certification = services.certification_add(
            organisation=selectors.organisation_of(user=request.user),
            actor=request.user,
            **serializer.validated_data,
        )
        data = CertificationPrivateSerializer(certification, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class CertificationDetailApi(Api):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: CertificationPrivateSerializer})
    def get(self, request: Request, pk: int) -> Response:
        certification = found(selectors.certification_get(user=request.user, pk=pk))
        return Response(
            CertificationPrivateSerializer(certification, context={"request": request}).data
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        certification = found(selectors.certification_get(user=request.user, pk=pk))
        services.certification_delete(certification=certification, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# PRODUCT LINES
# ------------------------------------------------------------------------------


class ProductLineInputSerializer(serializers.Serializer):
    hs_code = serializers.CharField(help_text="HS code of the product, e.g. 610910")
    description = serializers.CharField(required=False, allow_blank=True)
    monthly_capacity = serializers.IntegerField(min_value=0)
    unit = serializers.ChoiceField(choices=Unit.choices)
    min_order_quantity = serializers.IntegerField(min_value=0, required=False)


class ProductLineListApi(ListApi):
    """What the user's organisation makes, and how much of it a month."""

    permission_classes = [MemberForWrites]

    @extend_schema(responses={200: ProductLineSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(selectors.product_line_list(user=request.user), ProductLineSerializer)

    @extend_schema(request=ProductLineInputSerializer, responses={201: ProductLineSerializer})
    def post(self, request: Request) -> Response:
        serializer = ProductLineInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.product_line_create(
            organisation=selectors.organisation_of(user=request.user),
            actor=request.user,
            data=serializer.validated_data,
        )
        return Response(ProductLineSerializer(line).data, status=status.HTTP_201_CREATED)


class ProductLineDetailApi(Api):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ProductLineSerializer})
    def get(self, request: Request, pk: int) -> Response:
        line = found(selectors.product_line_get(user=request.user, pk=pk))
        return Response(ProductLineSerializer(line).data)

    @extend_schema(request=ProductLineInputSerializer, responses={200: ProductLineSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        line = found(selectors.product_line_get(user=request.user, pk=pk))
        serializer = ProductLineInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        line = services.product_line_update(
            line=line, actor=request.user, data=serializer.validated_data
        )
        return Response(ProductLineSerializer(line).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        line = found(selectors.product_line_get(user=request.user, pk=pk))
        services.product_line_delete(line=line, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# STAFF
# ------------------------------------------------------------------------------


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


class StaffCertificationCheckApi(Api):
    """Staff record the outcome of checking a certificate's evidence."""

    permission_classes = [StaffOnlyOrNotFound]

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Certification.Status.choices)

    @extend_schema(request=InputSerializer, responses={200: CertificationPrivateSerializer})
    def post(self, request: Request, pk: int) -> Response:
        certification = found(selectors.certification_get(user=request.user, pk=pk))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certification = services.certification_check(
            certification=certification, actor=request.user, **serializer.validated_data
        )
        return Response(
            CertificationPrivateSerializer(certification, context={"request": request}).data
        )


# TAXONOMIES (public code pickers for the forms)
# ------------------------------------------------------------------------------
# HS and ISIC run to thousands of codes and are paged; the catalogue, countries,
# provinces and units are short fixed lists a form loads whole.


class HsCodeSearchApi(ListApi):
    """HS 2022 codes by code prefix ("6109") or words ("t-shirt")."""

    permission_classes = [AllowAny]

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False, default="", help_text="Code prefix or words of the description"
        )
        level = serializers.ChoiceField(
            choices=[(2, "chapter"), (4, "heading"), (6, "subheading")], required=False
        )

    @extend_schema(parameters=[FilterSerializer], responses={200: HsCodeSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        codes = selectors.hs_code_search(
            query=filters.validated_data["q"], level=filters.validated_data.get("level")
        )
        return self.paginated(codes, HsCodeSerializer)


class IsicCodeSearchApi(ListApi):
    """ISIC Rev. 4 codes by code prefix ("14") or words ("apparel")."""

    permission_classes = [AllowAny]

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False, default="", help_text="Code prefix or words of the description"
        )
        level = serializers.ChoiceField(
            choices=[(1, "section"), (2, "division"), (3, "group"), (4, "class")],
            required=False,
        )

    @extend_schema(parameters=[FilterSerializer], responses={200: IsicCodeSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        codes = selectors.isic_code_search(
            query=filters.validated_data["q"], level=filters.validated_data.get("level")
        )
        return self.paginated(codes, IsicCodeSerializer)


class CertificationSchemeListApi(Api):
    """The catalogue of certifications an organisation can declare."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        full_name = serializers.CharField()
        covers = serializers.CharField()
        category = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(
            self.OutputSerializer(selectors.certification_scheme_list(), many=True).data
        )


class CountryListApi(Api):
    """ISO 3166-1 countries, by name."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        countries = [{"code": code, "name": name} for code, name in geography.country_choices()]
        return Response(self.OutputSerializer(countries, many=True).data)


class ProvinceListApi(Api):
    """ISO 3166-2 provinces and regions of one country, by name."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        type = serializers.CharField()

    @extend_schema(
        responses={
            200: OutputSerializer(many=True),
            404: OpenApiResponse(description="Unknown country code"),
        }
    )
    def get(self, request: Request, country_code: str) -> Response:
        country_code = country_code.upper()
        if not geography.is_country(country_code):
            raise NotFound(f"Unknown country code: {country_code}.")
        provinces = [
            {"code": code, "name": name, "type": kind}
            for code, name, kind in geography.subdivisions_of(country_code)
        ]
        return Response(self.OutputSerializer(provinces, many=True).data)


class UnitListApi(Api):
    """The units in which capacity and volume are given."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        units = [{"code": code, "name": str(label)} for code, label in Unit.choices]
        return Response(self.OutputSerializer(units, many=True).data)
