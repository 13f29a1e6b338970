"""The clusters API under /api/v1/.

Each view validates its input, calls one service or selector and serializes the
result. A cluster the user does not manage, or a membership of another firm, is
answered with 404, never 403: its existence does not leak. A manager's actions
look memberships up among the clusters they manage, an SME's among its own.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from clusters import selectors, services
from clusters.api.fields import model_charfield
from clusters.models import Cluster, ClusterMembership
from clusters.serializers import (
    ConsentInputSerializer,
    EventSerializer,
    ManagerMembershipSerializer,
    MembershipSerializer,
    NoteInputSerializer,
)
from companies.models import Organisation
from sme_platform.api import serializers
from sme_platform.api.views import Api, ListApi, found

# SERIALIZERS
# ------------------------------------------------------------------------------


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


# CLUSTERS
# ------------------------------------------------------------------------------


# MEMBERSHIPS: MANAGERS
# ------------------------------------------------------------------------------


class ClusterMemberListApi(ListApi):
    """Every membership of a cluster I manage; contact people only where the member agreed."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.QuerySerializer):
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
        return self.paginated(
            selectors.membership_events(user=request.user, membership=membership), EventSerializer
        )
