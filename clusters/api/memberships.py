"""The clusters API under /api/v1/.

Each view validates its input, calls one service or selector and serializes the
result. A cluster the user does not manage, or a membership of another firm, is
answered with 404, never 403: its existence does not leak. A manager's actions
look memberships up among the clusters they manage, an SME's among its own.
"""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.fields import empty
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from clusters import selectors, services
from clusters.api.fields import model_charfield
from clusters.models import Cluster, ClusterMembership, MembershipEvent
from clusters.permissions import can_manage_cluster, works_for_body
from companies.models import Organisation, User
from companies.serializers import ContactPersonSerializer
from sme_platform.api.permissions import StaffOnlyOrNotFound
from sme_platform.api.views import Api, ListApi, found

# SERIALIZERS
# ------------------------------------------------------------------------------


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
    actor = serializers.EmailField(source="actor.email", read_only=True, default=None)

    class Meta:
        model = MembershipEvent
        fields = ["id", "actor", "from_status", "to_status", "note", "created_at"]


def _manager_members_response(view: ListApi, request: Request, cluster: Cluster, status_: str):
    memberships = selectors.members_for_manager(user=request.user, cluster=cluster, status=status_)
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(memberships, request, view=view)
    contacts = selectors.contacts_shared_with_managers(memberships=list(page))
    data = ManagerMembershipSerializer(
        page, many=True, context={"request": request, "contacts": contacts}
    ).data
    return paginator.get_paginated_response(data)


def _membership_for_manager(request: Request, membership_id: int) -> ClusterMembership:
    return found(selectors.membership_get_for_manager(user=request.user, pk=membership_id))


def _membership_for_member(request: Request, membership_id: int) -> ClusterMembership:
    return found(selectors.membership_get_for_member(user=request.user, pk=membership_id))


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


# CLUSTERS
# ------------------------------------------------------------------------------


class ClusterListApi(ListApi):
    """Approved clusters (anyone); a cluster body's user proposes a new one."""

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, default="", help_text="Words in the name")
        country = serializers.CharField(required=False, default="", help_text="ISO alpha-2")
        sector = serializers.CharField(required=False, default="", help_text="ISIC code prefix")

    def get_permissions(self) -> list:
        if self.request.method == "POST":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(parameters=[FilterSerializer], responses={200: ClusterSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        clusters = selectors.cluster_public_list(
            text=data["q"], country=data["country"], sector=data["sector"]
        )
        return self.paginated(clusters, ClusterSerializer)

    @extend_schema(request=ClusterInputSerializer, responses={201: ManagedClusterSerializer})
    def post(self, request: Request) -> Response:
        serializer = ClusterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        cluster = services.cluster_propose(
            actor=request.user,
            name=data.pop("name", ""),
            country=data.pop("country", ""),
            sector=data.pop("sector", ""),
            **data,
        )
        return Response(ManagedClusterSerializer(cluster).data, status=status.HTTP_201_CREATED)


class ClusterManagedListApi(ListApi):
    """The clusters I manage, whatever their review status."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ManagedClusterSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.clusters_managed_by(user=request.user), ManagedClusterSerializer
        )


class ClusterDetailApi(Api):
    """A cluster's public page: listed members, their pooled capabilities, linkages.

    Managers change the cluster with PATCH.
    """

    def get_permissions(self) -> list:
        if self.request.method == "PATCH":
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(responses={200: ClusterPageSerializer})
    def get(self, request: Request, cluster_id: int) -> Response:
        cluster = found(selectors.cluster_get_visible_by_id(user=request.user, pk=cluster_id))
        page = {
            "cluster": cluster,
            "members": selectors.public_members(cluster=cluster),
            "capabilities": selectors.cluster_public_capabilities(cluster=cluster),
            "linkages": selectors.cluster_public_linkages(cluster=cluster),
        }
        return Response(ClusterPageSerializer(page).data)

    @extend_schema(request=ClusterInputSerializer, responses={200: ManagedClusterSerializer})
    def patch(self, request: Request, cluster_id: int) -> Response:
        cluster = found(selectors.cluster_get_managed_by_id(user=request.user, pk=cluster_id))
        serializer = ClusterInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        cluster = services.cluster_update(
            cluster=cluster, actor=request.user, data=serializer.validated_data
        )
        return Response(ManagedClusterSerializer(cluster).data)


class ClusterManagerApi(Api):
    """The body's owner or a manager adds (POST) or removes (DELETE) a manager."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        user = serializers.EmailField(help_text="E-mail address of a user of the cluster body")

    def _cluster_and_user(self, request: Request, cluster_id: int) -> tuple[Cluster, User]:
        cluster = found(selectors.cluster_get_visible_by_id(user=request.user, pk=cluster_id))
        # Outside the cluster body the cluster's managers are nobody's business: a 404.
        if not (works_for_body(request.user, cluster) or can_manage_cluster(request.user, cluster)):
            found(None)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = User.objects.filter(email__iexact=serializer.validated_data["user"]).first()
        if user is None:
            raise serializers.ValidationError({"user": ["No user has this e-mail address."]})
        return cluster, user

    @extend_schema(request=InputSerializer, responses={200: ManagedClusterSerializer})
    def post(self, request: Request, cluster_id: int) -> Response:
        cluster, user = self._cluster_and_user(request, cluster_id)
        cluster = services.manager_add(cluster=cluster, actor=request.user, user=user)
        return Response(ManagedClusterSerializer(cluster).data)

    @extend_schema(request=InputSerializer, responses={200: ManagedClusterSerializer})
    def delete(self, request: Request, cluster_id: int) -> Response:
        cluster, user = self._cluster_and_user(request, cluster_id)
        cluster = services.manager_remove(cluster=cluster, actor=request.user, user=user)
        return Response(ManagedClusterSerializer(cluster).data)


class StaffClusterReviewApi(Api):
    """Staff approve a proposed cluster or reject it with a reason."""

    permission_classes = [StaffOnlyOrNotFound]

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=[Cluster.Status.APPROVED, Cluster.Status.REJECTED])
        note = model_charfield(Cluster, "review_note")

    @extend_schema(request=InputSerializer, responses={200: ManagedClusterSerializer})
    def post(self, request: Request, cluster_id: int) -> Response:
        cluster = found(selectors.cluster_get_for_review(user=request.user, pk=cluster_id))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cluster = services.cluster_review(
            cluster=cluster, actor=request.user, **serializer.validated_data
        )
        return Response(ManagedClusterSerializer(cluster).data)


# MEMBERSHIPS: MANAGERS
# ------------------------------------------------------------------------------


class ClusterMemberListApi(ListApi):
    """Every membership of a cluster I manage; contact people only where the member agreed."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=ClusterMembership.Status.choices, required=False, default=""
        )

    @extend_schema(
        parameters=[FilterSerializer], responses={200: ManagerMembershipSerializer(many=True)}
    )
    def get(self, request: Request, cluster_id: int) -> Response:
        cluster = found(selectors.cluster_get_managed_by_id(user=request.user, pk=cluster_id))
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        return _manager_members_response(self, request, cluster, filters.validated_data["status"])


class ClusterInviteApi(Api):
    """A manager invites a registered SME (by id) or a firm not registered yet (by e-mail)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        supplier = serializers.IntegerField(
            required=False, allow_null=True, help_text="Id of a registered SME"
        )
        email = model_charfield(
            ClusterMembership, "invited_email", help_text="E-mail of a firm to invite"
        )
        message = model_charfield(ClusterMembership, "message")

    @extend_schema(request=InputSerializer, responses={201: MembershipSerializer})
    def post(self, request: Request, cluster_id: int) -> Response:
        cluster = found(selectors.cluster_get_managed_by_id(user=request.user, pk=cluster_id))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        supplier = None
        if data.get("supplier") is not None:
            supplier = Organisation.objects.filter(pk=data["supplier"]).first()
            if supplier is None:
                raise serializers.ValidationError({"supplier": ["No organisation has this id."]})
        membership = services.membership_invite(
            cluster=cluster,
            actor=request.user,
            supplier=supplier,
            email=data["email"],
            message=data["message"],
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


def _manager_action(service_name: str, summary: str) -> type[Api]:
    service = getattr(services, service_name)

    class ManagerActionApi(Api):
        permission_classes = [IsAuthenticated]

        @extend_schema(
            request=NoteInputSerializer, responses={200: MembershipSerializer}, summary=summary
        )
        def post(self, request: Request, membership_id: int) -> Response:
            membership = _membership_for_manager(request, membership_id)
            serializer = NoteInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            membership = service(
                membership=membership, actor=request.user, note=serializer.validated_data["note"]
            )
            return Response(MembershipSerializer(membership).data)

    name = "Membership" + service_name.removeprefix("membership_").title() + "Api"
    ManagerActionApi.__name__ = ManagerActionApi.__qualname__ = name
    return ManagerActionApi


MembershipApproveApi = _manager_action("membership_approve", "A manager approves an application")
MembershipRefuseApi = _manager_action("membership_refuse", "A manager refuses an application")
MembershipSuspendApi = _manager_action("membership_suspend", "A manager suspends a member")
MembershipReinstateApi = _manager_action(
    "membership_reinstate", "A manager reinstates a suspended member"
)
MembershipRemoveApi = _manager_action(
    "membership_remove", "A manager removes a member or withdraws an invitation"
)


# MEMBERSHIPS: SMEs
# ------------------------------------------------------------------------------


class ClusterApplyApi(Api):
    """My SME applies to join an approved cluster."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(ConsentInputSerializer):
        message = model_charfield(ClusterMembership, "message")

    @extend_schema(request=InputSerializer, responses={201: MembershipSerializer})
    def post(self, request: Request, cluster_id: int) -> Response:
        cluster = found(selectors.cluster_get_visible_by_id(user=request.user, pk=cluster_id))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_apply(
            cluster=cluster, actor=request.user, **serializer.validated_data
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MyMembershipListApi(ListApi):
    """My SME's memberships, invitations and applications."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MembershipSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.memberships_of_user(user=request.user), MembershipSerializer
        )


class MembershipAcceptApi(Api):
    """My SME accepts an invitation, saying what it agrees to share."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ConsentInputSerializer, responses={200: MembershipSerializer})
    def post(self, request: Request, membership_id: int) -> Response:
        membership = _membership_for_member(request, membership_id)
        serializer = ConsentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_accept_invitation(
            membership=membership, actor=request.user, **serializer.validated_data
        )
        return Response(MembershipSerializer(membership).data)


class MembershipConsentApi(Api):
    """My SME changes what it agreed to: public listing, contacts shown to managers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ConsentInputSerializer, responses={200: MembershipSerializer})
    def post(self, request: Request, membership_id: int) -> Response:
        membership = _membership_for_member(request, membership_id)
        serializer = ConsentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_set_consent(
            membership=membership, actor=request.user, **serializer.validated_data
        )
        return Response(MembershipSerializer(membership).data)


def _member_action(service_name: str, summary: str, name: str) -> type[Api]:
    service = getattr(services, service_name)

    class MemberActionApi(Api):
        permission_classes = [IsAuthenticated]

        @extend_schema(
            request=NoteInputSerializer, responses={200: MembershipSerializer}, summary=summary
        )
        def post(self, request: Request, membership_id: int) -> Response:
            membership = _membership_for_member(request, membership_id)
            serializer = NoteInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            membership = service(
                membership=membership, actor=request.user, note=serializer.validated_data["note"]
            )
            return Response(MembershipSerializer(membership).data)

    MemberActionApi.__name__ = MemberActionApi.__qualname__ = name
    return MemberActionApi


MembershipDeclineApi = _member_action(
    "membership_decline_invitation", "My SME declines an invitation", "MembershipDeclineApi"
)
MembershipLeaveApi = _member_action(
    "membership_leave", "My SME leaves a cluster or withdraws its application", "MembershipLeaveApi"
)


class MembershipEventListApi(ListApi):
    """The history of a membership: who changed what, and when."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: EventSerializer(many=True)})
    def get(self, request: Request, membership_id: int) -> Response:
        membership = found(selectors.membership_get_visible(user=request.user, pk=membership_id))
        return self.paginated(selectors.membership_events(membership=membership), EventSerializer)
