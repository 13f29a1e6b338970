"""The supplier search and saved searches API, for buyers' users."""

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from companies.serializers import OrganisationPublicSerializer
from matching import selectors, services
from matching.permissions import BuyerOrStaff
from matching.search import MAX_QUERY_LENGTH, SupplierSearchFilters, supplier_search
from matching.serializers import SavedSearchOutputSerializer
from sme_platform.api import serializers
from sme_platform.api.views import Api, ListApi, found
from sme_platform.throttles import SCOPED_THROTTLES


class SupplierSearchApi(Api):
    """Suppliers ranked by relevance to the words, filtered, with why each matched."""

    permission_classes = [BuyerOrStaff]
    throttle_classes = SCOPED_THROTTLES
    throttle_scope = "search"

    class FilterSerializer(serializers.QuerySerializer):
        q = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=MAX_QUERY_LENGTH
        )
        page = serializers.IntegerField(required=False, default=1, min_value=1)
        page_size = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)

    class HitSerializer(serializers.Serializer):
        organisation = OrganisationPublicSerializer()
        score = serializers.FloatField()
        matched_words = serializers.ListField(child=serializers.CharField())
        matched_codes = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        parameters=[
            FilterSerializer,
            OpenApiParameter("country", str, many=True, description="ISO alpha-2 code(s)"),
            OpenApiParameter("subregion", str, many=True, description="UN M49 subregion slug"),
            OpenApiParameter("hs_code", str, description="HS code; a heading finds subheadings"),
            OpenApiParameter("isic_code", str, description="ISIC Rev. 4 code"),
            OpenApiParameter("certification", str, description="Scheme code, held and valid"),
            OpenApiParameter("min_capacity", int, description="Monthly capacity at least this"),
            OpenApiParameter("unit", str, description="Unit of min_capacity"),
            OpenApiParameter("verified_only", bool),
            OpenApiParameter("cluster", str, description="Cluster member"),
        ],
        responses={
            200: inline_serializer(
                "SupplierSearchPage",
                {
                    "count": serializers.IntegerField(),
                    "page": serializers.IntegerField(),
                    "page_size": serializers.IntegerField(),
                    "results": HitSerializer(many=True),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:

        paging = self.FilterSerializer(data=request.query_params)
        paging.is_valid(raise_exception=True)
        filters = SupplierSearchFilters.from_params(request.query_params)
        found = supplier_search(
            user=request.user,
            query=paging.validated_data["q"],
            filters=filters,
            page=paging.validated_data["page"],
            page_size=paging.validated_data["page_size"],
        )
        prefetch_related_objects(
            [hit.organisation for hit in found.hits],
            "hs_codes",
            "isic_codes",
            "sectors_of_interest",
            "certifications__scheme",
            "product_lines__hs_code",
        )
        return Response(
            {
                "count": found.total,
                "page": found.page,
                "page_size": found.page_size,
                "results": self.HitSerializer(found.hits, many=True).data,
            }
        )


class SavedSearchListApi(ListApi):
    """My saved supplier searches; saving one to hear of new matching suppliers."""

    permission_classes = [BuyerOrStaff]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(required=False, allow_blank=True, default="")
        q = serializers.CharField(required=False, allow_blank=True, default="")
        filters = serializers.DictField(
            required=False,
            default=dict,
            help_text="The search's filter parameters, as the search endpoint takes them",
        )

    @extend_schema(responses={200: SavedSearchOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.saved_search_list(user=request.user), SavedSearchOutputSerializer
        )

    @extend_schema(request=InputSerializer, responses={201: SavedSearchOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved = services.saved_search_create(
            actor=request.user, name=data["name"], query=data["q"], params=data["filters"]
        )
        return Response(SavedSearchOutputSerializer(saved).data, status=status.HTTP_201_CREATED)


class SavedSearchDetailApi(Api):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: SavedSearchOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        saved = found(selectors.saved_search_get(user=request.user, pk=pk))
        return Response(SavedSearchOutputSerializer(saved).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        saved = found(selectors.saved_search_get(user=request.user, pk=pk))
        services.saved_search_delete(saved_search=saved, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
