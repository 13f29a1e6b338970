"""The clusters API: the directory, a cluster's page, proposing and editing, managers,
staff review."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from clusters import selectors, services
from clusters.api.fields import model_charfield
from clusters.models import Cluster
from clusters.permissions import can_manage_cluster, works_for_body
from clusters.serializers import (
    ClusterInputSerializer,
    ClusterPageSerializer,
    ClusterSerializer,
    ManagedClusterSerializer,
)
from companies.models import User
from sme_platform.api import serializers
from sme_platform.api.permissions import StaffOnlyOrNotFound
from sme_platform.api.views import Api, ListApi, found


class ClusterListApi(ListApi):
    """Approved clusters (anyone); a cluster body's user proposes a new one."""

    class FilterSerializer(serializers.QuerySerializer):
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
