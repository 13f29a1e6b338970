"""The consortia API under /api/v1/.

Managers read and change their own cluster's consortia under
``clusters/<id>/consortia/``; another cluster's consortium is a 404. The buyer
and the members read and answer the consortia proposed to them under
``consortia/``, and the buyer lists a request's under ``requests/<id>/consortia/``.
``contacts`` comes only from ``selectors.consortium_contacts``: empty until the
buyer and every member have accepted; lists never carry it.
"""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from clusters import selectors as cluster_selectors
from clusters.models import Cluster
from companies.serializers import ContactPersonSerializer
from consortia import selectors, services
from consortia.models import Consortium, ConsortiumMember
from consortia.models.consortia import Decision, DeclineReason
from consortia.permissions import can_see_request_consortia, consortium_side_of
from matching import selectors as matching_selectors
from matching.serializers import PartySerializer, PersonSerializer, RequestSummarySerializer
from sme_platform.api import serializers
from sme_platform.api.views import Api, ListApi, found

__all__ = [
    "ClusterConsortiumDetailApi",
    "ClusterConsortiumListApi",
    "ClusterConsortiumProposeApi",
    "ClusterConsortiumWithdrawApi",
    "ConsortiumAcceptApi",
    "ConsortiumDeclineApi",
    "ConsortiumDetailApi",
    "ConsortiumListApi",
    "RequestConsortiumListApi",
]


# SERIALIZERS
# ------------------------------------------------------------------------------


class ConsortiumClusterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cluster
        fields = ["id", "name", "slug", "country"]


class ConsortiumMemberSerializer(serializers.ModelSerializer):
    supplier = PartySerializer()

    class Meta:
        model = ConsortiumMember
        fields = [
            "supplier",
            "hs_codes",
            "capacity_pledged",
            "score",
            "is_lead",
            "decision",
            "reason",
            "note",
            "decided_at",
        ]


class PartyContactsSerializer(serializers.Serializer):
    organisation = PartySerializer()
    role = serializers.CharField(help_text="buyer, lead member or member")
    contacts = ContactPersonSerializer(many=True)
    users = PersonSerializer(many=True)


def _user(serializer: serializers.Serializer) -> Any:
    return serializer.context["request"].user


class ConsortiumOutputSerializer(serializers.ModelSerializer):
    """A consortium with its breakdown; no contact details of anyone."""

    request = RequestSummarySerializer()
    cluster = ConsortiumClusterSerializer()
    members = ConsortiumMemberSerializer(many=True)
    breakdown = serializers.DictField(
        help_text="Volume and unit, pooled capacity, shortfall, capacity per product, "
        "certifications covered and missing, products missing, each member's score"
    )
    my_side = serializers.SerializerMethodField(help_text="buyer, member, or null (manager)")
    can_decide = serializers.SerializerMethodField(help_text="Whether I may still answer")
    notice = serializers.SerializerMethodField(help_text="Competition law: no prices")

    class Meta:
        model = Consortium
        fields = [
            "id",
            "request",
            "cluster",
            "status",
            "status_reason",
            "score",
            "breakdown",
            "engine_version",
            "members",
            "buyer_decision",
            "buyer_reason",
            "buyer_note",
            "buyer_decided_at",
            "proposed_at",
            "my_side",
            "can_decide",
            "notice",
            "created_at",
            "updated_at",
        ]

    def get_my_side(self, consortium: Consortium) -> str | None:
        return consortium_side_of(_user(self), consortium)

    def get_can_decide(self, consortium: Consortium) -> bool:
        user = _user(self)
        side = consortium_side_of(user, consortium)
        if side is None or consortium.status != Consortium.Status.PROPOSED:
            return False
        if side == "buyer":
            return consortium.buyer_decision == Decision.PENDING
        return any(
            m.supplier_id == user.organisation_id and m.decision == Decision.PENDING
            for m in consortium.members.all()
        )

    def get_notice(self, consortium: Consortium) -> str:
        return services.COMPETITION_NOTICE


class ConsortiumDetailOutputSerializer(ConsortiumOutputSerializer):
    contacts = serializers.SerializerMethodField(
        help_text="The other parties' contact people: empty until the buyer and every "
        "member have accepted"
    )

    class Meta(ConsortiumOutputSerializer.Meta):
        fields = [*ConsortiumOutputSerializer.Meta.fields, "contacts"]

    @extend_schema_field(PartyContactsSerializer(many=True))
    def get_contacts(self, consortium: Consortium) -> list[dict[str, Any]]:
        parties = selectors.consortium_contacts(user=_user(self), consortium=consortium)
        return PartyContactsSerializer(parties, many=True).data


def _detail(request: Request, consortium: Consortium) -> dict[str, Any]:
    return ConsortiumDetailOutputSerializer(consortium, context={"request": request}).data


def _managed(request: Request, cluster_id: int, pk: int) -> Consortium:
    cluster = found(cluster_selectors.cluster_get_managed_by_id(user=request.user, pk=cluster_id))
    return found(selectors.consortium_get_for_manager(user=request.user, cluster=cluster, pk=pk))


def _reload_for_manager(request: Request, consortium: Consortium) -> Consortium:
    return found(
        selectors.consortium_get_for_manager(
            user=request.user, cluster=consortium.cluster, pk=consortium.pk
        )
    )


def _reload_visible(request: Request, consortium: Consortium) -> Consortium:
    return found(selectors.consortium_get_visible(user=request.user, pk=consortium.pk))


# MANAGERS
# ------------------------------------------------------------------------------


class ClusterConsortiumListApi(ListApi):
    """Every consortium of a cluster I manage (drafts too), newest first."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.QuerySerializer):
        status = serializers.ChoiceField(choices=Consortium.Status.choices, required=False)

    @extend_schema(
        parameters=[FilterSerializer], responses={200: ConsortiumOutputSerializer(many=True)}
    )
    def get(self, request: Request, cluster_id: int) -> Response:
        cluster = found(
            cluster_selectors.cluster_get_managed_by_id(user=request.user, pk=cluster_id)
        )
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        consortia = selectors.consortia_for_manager(
            user=request.user, cluster=cluster, status=filters.validated_data.get("status", "")
        )
        return self.paginated(consortia, ConsortiumOutputSerializer)


class ClusterConsortiumDetailApi(Api):
    """One consortium of a cluster I manage; PATCH sets its members and lead."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        members = serializers.ListField(
            child=serializers.IntegerField(),
            max_length=50,
            help_text="Ids of the member firms: 2 to 5 active members of the cluster",
        )
        lead = serializers.IntegerField(
            required=False, allow_null=True, help_text="Id of the lead firm, one of the members"
        )

    @extend_schema(responses={200: ConsortiumDetailOutputSerializer})
    def get(self, request: Request, cluster_id: int, pk: int) -> Response:
        return Response(_detail(request, _managed(request, cluster_id, pk)))

    @extend_schema(request=InputSerializer, responses={200: ConsortiumDetailOutputSerializer})
    def patch(self, request: Request, cluster_id: int, pk: int) -> Response:
        consortium = _managed(request, cluster_id, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consortium = services.consortium_update(
            consortium=consortium,
            actor=request.user,
            members=serializer.validated_data["members"],
            lead=serializer.validated_data.get("lead"),
        )
        return Response(_detail(request, _reload_for_manager(request, consortium)))


class ClusterConsortiumProposeApi(Api):
    """Propose the consortium to the buyer: needs a lead and a set that meets the request."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ConsortiumDetailOutputSerializer})
    def post(self, request: Request, cluster_id: int, pk: int) -> Response:
        consortium = services.consortium_propose(
            consortium=_managed(request, cluster_id, pk), actor=request.user
        )
        return Response(_detail(request, _reload_for_manager(request, consortium)))


class ClusterConsortiumWithdrawApi(Api):
    """Withdraw the consortium; whoever it was proposed to is told."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=Consortium._meta.get_field("status_reason").max_length,
            help_text="Why",
        )

    @extend_schema(request=InputSerializer, responses={200: ConsortiumDetailOutputSerializer})
    def post(self, request: Request, cluster_id: int, pk: int) -> Response:
        consortium = _managed(request, cluster_id, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consortium = services.consortium_withdraw(
            consortium=consortium, actor=request.user, note=serializer.validated_data["note"]
        )
        return Response(_detail(request, _reload_for_manager(request, consortium)))


# THE BUYER AND THE MEMBERS
# ------------------------------------------------------------------------------


class ConsortiumListApi(ListApi):
    """The consortia proposed to me: to my firm as a member, or for my buyer's requests."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ConsortiumOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        organisation = request.user.organisation
        if organisation is not None and organisation.is_buyer:
            consortia = selectors.consortia_for_buyer(user=request.user)
        else:
            consortia = selectors.consortia_for_member(user=request.user)
        return self.paginated(consortia, ConsortiumOutputSerializer)


class ConsortiumDetailApi(Api):
    """One consortium I may see; ``contacts`` only once everyone accepted."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ConsortiumDetailOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        consortium = found(selectors.consortium_get_visible(user=request.user, pk=pk))
        return Response(_detail(request, consortium))


class ConsortiumAcceptApi(Api):
    """My side accepts; accepted by the buyer and every member, it is a linkage."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: ConsortiumDetailOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        consortium = found(selectors.consortium_get_visible(user=request.user, pk=pk))
        consortium = services.consortium_decide(
            consortium=consortium, actor=request.user, accept=True
        )
        return Response(_detail(request, _reload_visible(request, consortium)))


class ConsortiumDeclineApi(Api):
    """My side declines with a reason: a member's decline returns it to the managers."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="One of: " + ", ".join(DeclineReason.values),
        )
        note = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="At most 2,000 characters"
        )

    @extend_schema(request=InputSerializer, responses={200: ConsortiumDetailOutputSerializer})
    def post(self, request: Request, pk: int) -> Response:
        consortium = found(selectors.consortium_get_visible(user=request.user, pk=pk))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consortium = services.consortium_decide(
            consortium=consortium, actor=request.user, accept=False, **serializer.validated_data
        )
        return Response(_detail(request, _reload_visible(request, consortium)))


class RequestConsortiumListApi(ListApi):
    """The consortia proposed for one of my buyer's requests (a request I cannot see: 404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ConsortiumOutputSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        sourcing_request = found(matching_selectors.request_get_visible(user=request.user, pk=pk))
        if not can_see_request_consortia(request.user, sourcing_request):
            found(None)
        consortia = selectors.consortia_for_request(user=request.user, request=sourcing_request)
        return self.paginated(consortia, ConsortiumOutputSerializer)
