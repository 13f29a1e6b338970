"""Taxonomies: public code pickers for the forms.

HS and ISIC run to thousands of codes and are paged; the catalogue, countries,
provinces and units are short fixed lists a form loads whole.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from companies import geography, selectors
from companies.models import Unit
from companies.serializers import (
    HsCodeSerializer,
    IsicCodeSerializer,
)
from sme_platform.api import serializers
from sme_platform.api.views import Api, ListApi


class HsCodeSearchApi(ListApi):
    """HS 2022 codes by code prefix ("6109") or words ("t-shirt")."""

    permission_classes = [AllowAny]

    class FilterSerializer(serializers.QuerySerializer):
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

    class FilterSerializer(serializers.QuerySerializer):
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
