"""The broadcasts API: managers send and review them, member firms read them.

A cluster the user does not manage, or a broadcast the user's firm did not
receive, is a 404: its existence does not leak.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from clusters import selectors as cluster_selectors
from clusters.api.fields import IdListField, OptionalIdField, model_charfield
from consortia import selectors, services
from consortia.models import Broadcast, BroadcastRecipient
from consortia.services.broadcasts import NO_SUCH_REQUEST, NOT_MEMBERSHIP_IDS
from sme_platform.api import serializers
from sme_platform.api.views import Api, ListApi, found

__all__ = [
    "ClusterBroadcastDetailApi",
    "ClusterBroadcastListApi",
    "MyBroadcastDetailApi",
    "MyBroadcastListApi",
    "MyBroadcastReadApi",
]


class BroadcastRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    buyer = serializers.CharField(source="buyer.legal_name")
    deadline = serializers.DateTimeField()


class BroadcastSerializer(serializers.ModelSerializer):
    cluster = serializers.IntegerField(source="cluster_id", read_only=True)
    cluster_name = serializers.CharField(source="cluster.name", read_only=True)
    request = BroadcastRequestSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Broadcast
        fields = [
            "id",
            "cluster",
            "cluster_name",
            "subject",
            "body",
            "request",
            "created_at",
        ]


class ManagerBroadcastSerializer(BroadcastSerializer):
    sender = serializers.EmailField(source="sender.email", read_only=True, default=None)
    recipient_count = serializers.IntegerField(read_only=True, help_text="Member firms sent to")
    read_count = serializers.IntegerField(read_only=True, help_text="Member firms that read it")
    # Plain text rather than a choice field: its enum would collide with the other "status"
    # enums of the schema.
    status = serializers.CharField(read_only=True, help_text="queued, then sent")

    class Meta(BroadcastSerializer.Meta):
        fields = [
            *BroadcastSerializer.Meta.fields,
            "audience",
            "status",
            "sent_at",
            "sender",
            "recipient_count",
            "read_count",
        ]


class RecipientSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.legal_name", read_only=True)
    # Shown only when the member agreed to share its contacts (the selector decides).
    read_by = serializers.EmailField(
        source="read_by_shown", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = BroadcastRecipient
        fields = ["supplier", "supplier_name", "membership", "notified_at", "read_at", "read_by"]


class ManagerBroadcastDetailSerializer(ManagerBroadcastSerializer):
    recipients = RecipientSerializer(many=True, read_only=True)

    class Meta(ManagerBroadcastSerializer.Meta):
        fields = [*ManagerBroadcastSerializer.Meta.fields, "recipients"]


class MemberBroadcastSerializer(serializers.Serializer):
    """A broadcast as the receiving firm sees it, with when the firm first read it."""

    broadcast = BroadcastSerializer()
    notified_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class ClusterBroadcastListApi(ListApi):
    """A managed cluster's broadcasts (GET, with read counts); a manager sends one (POST)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        request_id = OptionalIdField(
            invalid=NO_SUCH_REQUEST, help_text="Id of a public open sourcing request"
        )
        subject = model_charfield(
            Broadcast, "subject", required=False, allow_blank=True, default=""
        )
        body = model_charfield(Broadcast, "body")
        audience = serializers.CharField(
            required=False, default=Broadcast.Audience.ALL, help_text="all or selected"
        )
        recipient_ids = IdListField(
            invalid=NOT_MEMBERSHIP_IDS,
            required=False,
            default=list,
            help_text="Ids of active memberships, with audience=selected",
        )

    @extend_schema(responses={200: ManagerBroadcastSerializer(many=True)})
    def get(self, request: Request, cluster_id: int) -> Response:
        cluster = found(
            cluster_selectors.cluster_get_managed_by_id(user=request.user, pk=cluster_id)
        )
        return self.paginated(
            selectors.broadcasts_for_manager(user=request.user, cluster=cluster),
            ManagerBroadcastSerializer,
        )

    @extend_schema(request=InputSerializer, responses={201: ManagerBroadcastDetailSerializer})
    def post(self, request: Request, cluster_id: int) -> Response:
        cluster = found(
            cluster_selectors.cluster_get_managed_by_id(user=request.user, pk=cluster_id)
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        broadcast = services.broadcast_send(
            cluster=cluster, actor=request.user, **serializer.validated_data
        )
        shown = found(
            selectors.broadcast_get_for_manager(user=request.user, cluster=cluster, pk=broadcast.pk)
        )
        return Response(
            ManagerBroadcastDetailSerializer(shown).data, status=status.HTTP_201_CREATED
        )


class ClusterBroadcastDetailApi(Api):
    """One broadcast of a managed cluster, with each recipient and when it read it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ManagerBroadcastDetailSerializer})
    def get(self, request: Request, cluster_id: int, broadcast_id: int) -> Response:
        cluster = found(
            cluster_selectors.cluster_get_managed_by_id(user=request.user, pk=cluster_id)
        )
        broadcast = found(
            selectors.broadcast_get_for_manager(user=request.user, cluster=cluster, pk=broadcast_id)
        )
        return Response(ManagerBroadcastDetailSerializer(broadcast).data)


class MyBroadcastListApi(ListApi):
    """The broadcasts my firm received from its clusters, newest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MemberBroadcastSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginated(
            selectors.broadcasts_for_member(user=request.user), MemberBroadcastSerializer
        )


class MyBroadcastDetailApi(Api):
    """One broadcast my firm received (reading it here does not mark it read)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MemberBroadcastSerializer})
    def get(self, request: Request, broadcast_id: int) -> Response:
        recipient = found(
            selectors.broadcast_recipient_for_member(user=request.user, pk=broadcast_id)
        )
        return Response(MemberBroadcastSerializer(recipient).data)


class MyBroadcastReadApi(Api):
    """Mark a broadcast my firm received as read; the first reading is the one kept."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: MemberBroadcastSerializer})
    def post(self, request: Request, broadcast_id: int) -> Response:
        recipient = found(
            selectors.broadcast_recipient_for_member(user=request.user, pk=broadcast_id)
        )
        recipient = services.broadcast_mark_read(recipient=recipient, actor=request.user)
        return Response(MemberBroadcastSerializer(recipient).data)
