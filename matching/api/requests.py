"""The sourcing requests API: a buyer's requests and their lifecycle, the open requests
suppliers browse."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from matching import selectors, services
from matching.models import SourcingRequest
from matching.permissions import BuyerForWrites, SupplierUser
from matching.serializers import (
    BuyerSummarySerializer,
    RequestInputSerializer,
    RequestOutputSerializer,
    RequestPatchSerializer,
)
from sme_platform.api import serializers
from sme_platform.api.views import Api, ListApi, found


def _request_data(request: SourcingRequest) -> dict[str, Any]:
    return RequestOutputSerializer(request).data


class RequestListApi(ListApi):
    """Requests visible to me (GET), and posting a new one as a draft (POST)."""

    permission_classes = [BuyerForWrites]

    class FilterSerializer(serializers.QuerySerializer):
        status = serializers.ChoiceField(
            choices=SourcingRequest.Status.choices, required=False, allow_blank=True, default=""
        )
        code = serializers.CharField(
            required=False, default="", help_text="HS or ISIC code; a heading finds subheadings"
        )
        country = serializers.CharField(
            required=False, default="", help_text="Requests that take suppliers from here"
        )
        mine = serializers.BooleanField(
            required=False, default=False, help_text="Only my organisation's requests"
        )

    @extend_schema(
        parameters=[FilterSerializer], responses={200: RequestOutputSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        requests = selectors.request_list_filtered(user=request.user, **filters.validated_data)
        return self.paginated(requests, RequestOutputSerializer)

    @extend_schema(request=RequestInputSerializer, responses={201: RequestOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = RequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.request_create(actor=request.user, **serializer.validated_data)
        shown = found(selectors.request_get_visible(user=request.user, pk=created.pk))
        return Response(_request_data(shown), status=status.HTTP_201_CREATED)


class RequestDetailApi(Api):
    """One request (404 unless visible to me); its buyer's users change it."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: RequestOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        sourcing_request = found(selectors.request_get_visible(user=request.user, pk=pk))
        return Response(_request_data(sourcing_request))

    @extend_schema(request=RequestPatchSerializer, responses={200: RequestOutputSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        sourcing_request = found(selectors.request_get_editable(user=request.user, pk=pk))
        serializer = RequestPatchSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.request_update(
            request=sourcing_request, actor=request.user, data=serializer.validated_data
        )
        return Response(
            _request_data(found(selectors.request_get_visible(user=request.user, pk=pk)))
        )


class RequestOpenApi(Api):
    """Publish a draft request."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: RequestOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        sourcing_request = found(selectors.request_get_editable(user=request.user, pk=pk))
        services.request_open(request=sourcing_request, actor=request.user)
        return Response(
            _request_data(found(selectors.request_get_visible(user=request.user, pk=pk)))
        )


class RequestCloseApi(Api):
    """Stop taking responses (or withdraw a draft)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: RequestOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        sourcing_request = found(selectors.request_get_editable(user=request.user, pk=pk))
        services.request_close(request=sourcing_request, actor=request.user)
        return Response(
            _request_data(found(selectors.request_get_visible(user=request.user, pk=pk)))
        )


class LinkageAwardApi(Api):
    """The buyer awards one of the request's linkages; the request becomes awarded."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        request = serializers.IntegerField(source="request_id")
        supplier = BuyerSummarySerializer()
        status = serializers.CharField()
        awarded = serializers.BooleanField()

    @extend_schema(request=None, responses={200: OutputSerializer})
    def post(self, request: Request, pk: int, linkage_pk: int) -> Response:
        linkage = found(
            selectors.linkage_get_for_buyer(user=request.user, request_pk=pk, pk=linkage_pk)
        )
        linkage = services.proposal_award(proposal=linkage, actor=request.user)
        return Response(self.OutputSerializer(linkage).data)


class OpenRequestListApi(ListApi):
    """Public open requests, each with whether my organisation meets it and what it lacks."""

    permission_classes = [SupplierUser]

    class FilterSerializer(serializers.QuerySerializer):
        code = serializers.CharField(
            required=False, default="", help_text="HS or ISIC code; a heading finds subheadings"
        )
        country = serializers.CharField(
            required=False,
            default="",
            help_text="Requests that take suppliers from this country (or from anywhere)",
        )
        certification = serializers.CharField(
            required=False, default="", help_text="Requests requiring this scheme, e.g. iso-9001"
        )

    class OutputSerializer(serializers.Serializer):
        request = RequestOutputSerializer()
        meets = serializers.BooleanField(help_text="Certifications, capacity and country fit")
        lacks = serializers.ListField(
            child=serializers.CharField(), help_text="What is missing, in words"
        )

    @extend_schema(parameters=[FilterSerializer], responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        fits = selectors.open_requests_for_supplier(
            supplier=request.user.organisation, **filters.validated_data
        )
        return self.paginated(fits, self.OutputSerializer)
