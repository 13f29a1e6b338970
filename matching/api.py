"""The sourcing requests, supplier search, saved searches and notifications API.

Each view validates its input, calls one service or selector and serializes the
result. A request the user may not see is a 404 whatever the reason, so a
confidential request's existence never leaks; a logged-in user of the wrong kind
of organisation gets a 403 that says why.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import prefetch_related_objects
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from companies import notifications
from companies.api import Api, ListApi, _found
from companies.models import Notification
from companies.serializers import OrganisationPublicSerializer
from matching import regions, selectors, services
from matching.models import SavedSearch, SourcingRequest

# PERMISSIONS
# ------------------------------------------------------------------------------


def _organisation_kind_label(request: Request) -> str:
    organisation = request.user.organisation
    return organisation.get_kind_display().lower() if organisation else "no organisation"


class BuyerForWrites(BasePermission):
    """Anyone may read what they can see; only buyers' users post requests."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if not request.user.is_authenticated:
            return False
        try:
            services.buyer_of(request.user)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return True


class BuyerOrStaff(BasePermission):
    """Supplier search and saved searches are the buyer's tools (and staff's)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if user.is_staff or (user.organisation is not None and user.organisation.is_buyer):
            return True
        raise exceptions.PermissionDenied(
            "Supplier search is for buyers' users; your account is of "
            f"{_organisation_kind_label(request)}."
        )


class SupplierUser(BasePermission):
    """The open-requests board with meets/lacks is for SME suppliers' users."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if user.organisation is not None and user.organisation.is_supplier:
            return True
        raise exceptions.PermissionDenied(
            "This list shows how an SME supplier meets each open request; your account is of "
            f"{_organisation_kind_label(request)}."
        )


# SERIALIZERS SHARED BY SEVERAL VIEWS
# ------------------------------------------------------------------------------


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()


class SchemeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class BuyerSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    slug = serializers.CharField()
    country = serializers.CharField()


class RequestOutputSerializer(serializers.ModelSerializer):
    buyer = BuyerSummarySerializer(read_only=True)
    hs_codes = CodeSerializer(many=True, read_only=True)
    isic_codes = CodeSerializer(many=True, read_only=True)
    required_certifications = SchemeSerializer(many=True, read_only=True)
    countries = serializers.ListField(child=serializers.CharField(), read_only=True)
    subregions = serializers.ListField(child=serializers.CharField(), read_only=True)
    status = serializers.ChoiceField(
        source="effective_status",
        choices=SourcingRequest.Status.choices,
        read_only=True,
        help_text="An open request past its deadline reads as closed",
    )

    class Meta:
        model = SourcingRequest
        fields = [
            "id",
            "title",
            "description",
            "buyer",
            "hs_codes",
            "isic_codes",
            "required_certifications",
            "countries",
            "subregions",
            "allow_consortium",
            "volume_per_month",
            "unit",
            "target_start",
            "deadline",
            "visibility",
            "status",
            "opened_at",
            "closed_at",
            "created_at",
            "updated_at",
        ]


class RequestInputSerializer(serializers.Serializer):
    """Types only; every rule (known codes, future deadline, volume > 0) is the service's."""

    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    hs_codes = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="HS codes, e.g. 6109 or 610910"
    )
    isic_codes = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="ISIC Rev. 4 codes"
    )
    required_certifications = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Catalogue codes, e.g. iso-9001"
    )
    countries = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="ISO 3166-1 alpha-2 codes"
    )
    subregions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="UN M49 subregion slugs: "
        + ", ".join(slug for slug, _ in regions.subregion_choices()),
    )
    allow_consortium = serializers.BooleanField(required=False)
    volume_per_month = serializers.IntegerField(required=False, allow_null=True)
    unit = serializers.CharField(required=False, allow_blank=True, help_text="One of the units")
    target_start = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateTimeField(help_text="Responses close then; ISO 8601 with offset")
    visibility = serializers.ChoiceField(choices=SourcingRequest.Visibility.choices, required=False)


class RequestPatchSerializer(RequestInputSerializer):
    title = serializers.CharField(required=False, allow_blank=True)
    deadline = serializers.DateTimeField(required=False)


def _request_data(request: SourcingRequest) -> dict[str, Any]:
    return RequestOutputSerializer(request).data


# SOURCING REQUESTS
# ------------------------------------------------------------------------------


class RequestListApi(ListApi):
    """Requests visible to me (GET), and posting a new one as a draft (POST)."""

    permission_classes = [BuyerForWrites]

    class FilterSerializer(serializers.Serializer):
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
        created = selectors.request_get_visible(user=request.user, pk=created.pk)
        return Response(_request_data(created), status=status.HTTP_201_CREATED)


class RequestDetailApi(Api):
    """One request (404 unless visible to me); its buyer's users change it."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: RequestOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        found = _found(selectors.request_get_visible(user=request.user, pk=pk))
        return Response(_request_data(found))

    @extend_schema(request=RequestPatchSerializer, responses={200: RequestOutputSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        found = _found(selectors.request_get_editable(user=request.user, pk=pk))
        serializer = RequestPatchSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.request_update(request=found, actor=request.user, data=serializer.validated_data)
        return Response(_request_data(selectors.request_get_visible(user=request.user, pk=pk)))


class RequestOpenApi(Api):
    """Publish a draft request."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: RequestOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        found = _found(selectors.request_get_editable(user=request.user, pk=pk))
        services.request_open(request=found, actor=request.user)
        return Response(_request_data(selectors.request_get_visible(user=request.user, pk=pk)))


class RequestCloseApi(Api):
    """Stop taking responses (or withdraw a draft)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: RequestOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        found = _found(selectors.request_get_editable(user=request.user, pk=pk))
        services.request_close(request=found, actor=request.user)
        return Response(_request_data(selectors.request_get_visible(user=request.user, pk=pk)))


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
        linkage = _found(
            selectors.linkage_get_for_buyer(user=request.user, request_pk=pk, pk=linkage_pk)
        )
        linkage = services.proposal_award(proposal=linkage, actor=request.user)
        return Response(self.OutputSerializer(linkage).data)


# OPEN REQUESTS FOR SMES
# ------------------------------------------------------------------------------


class OpenRequestListApi(ListApi):
    """Public open requests, each with whether my organisation meets it and what it lacks."""

    permission_classes = [SupplierUser]

    class FilterSerializer(serializers.Serializer):
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


# SUPPLIER SEARCH
# ------------------------------------------------------------------------------


class SupplierSearchApi(Api):
    """Suppliers ranked by relevance to the words, filtered, with why each matched."""

    permission_classes = [BuyerOrStaff]

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, default="", allow_blank=True, max_length=500)
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
        from matching.search import SupplierSearchFilters, supplier_search

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


# SAVED SEARCHES
# ------------------------------------------------------------------------------


class SavedSearchOutputSerializer(serializers.ModelSerializer):
    filters = serializers.DictField(read_only=True)
    hit_count = serializers.SerializerMethodField()

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "filters", "notify_email", "created_at", "hit_count"]

    def get_hit_count(self, saved: SavedSearch) -> int:
        hits = getattr(saved, "hit_list", None)
        return len(hits) if hits is not None else saved.hits.count()


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
        saved = _found(selectors.saved_search_get(user=request.user, pk=pk))
        return Response(SavedSearchOutputSerializer(saved).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        saved = _found(selectors.saved_search_get(user=request.user, pk=pk))
        services.saved_search_delete(saved_search=saved, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# NOTIFICATIONS
# ------------------------------------------------------------------------------


class NotificationOutputSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"]

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationListApi(ListApi):
    """My notifications, newest first; ``unread_count`` counts those not yet read."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: NotificationOutputSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = notifications.notification_list(user=request.user)
        if filters.validated_data["unread"]:
            qs = qs.filter(read_at__isnull=True)
        response = self.paginated(qs, NotificationOutputSerializer)
        response.data["unread_count"] = notifications.notification_unread_count(user=request.user)
        return response


class NotificationReadApi(Api):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: NotificationOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        notification = _found(notifications.notification_get(user=request.user, pk=pk))
        notification = notifications.notification_mark_read(
            notification=notification, user=request.user
        )
        return Response(NotificationOutputSerializer(notification).data)


class NotificationReadAllApi(Api):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField()

    @extend_schema(request=None, responses={200: OutputSerializer})
    def post(self, request: Request) -> Response:
        marked = notifications.notification_mark_all_read(user=request.user)
        return Response({"marked": marked})
