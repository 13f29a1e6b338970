"""Cluster analytics as JSON: the same figures as the page, for managers and staff."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from sme_platform.api import serializers
from sme_platform.api.views import Api, found
from workspaces import selectors

__all__ = ["ClusterAnalyticsApi"]


class CountRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="ISIC division or ISO country code; empty: not stated")
    label = serializers.CharField()
    members = serializers.IntegerField()


class CertificationGapSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    name = serializers.CharField()
    requests_asking = serializers.IntegerField()
    ask_share = serializers.FloatField(help_text="Share of the requests considered that ask")
    holders = serializers.IntegerField(help_text="Active members holding it valid")
    hold_share = serializers.FloatField()
    gap = serializers.FloatField(help_text="ask_share minus hold_share")


class MonthActivitySerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    label = serializers.CharField()
    proposals = serializers.IntegerField()
    linkages = serializers.IntegerField()


class NearMissCountSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    name = serializers.CharField()
    near_misses = serializers.IntegerField()
    members = serializers.IntegerField()


class MemberFiguresSerializer(serializers.Serializer):
    supplier_id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField()
    sectors = serializers.ListField(child=serializers.CharField())
    certifications = serializers.ListField(child=serializers.CharField())
    proposals = serializers.IntegerField()
    linkages = serializers.IntegerField()
    near_misses = serializers.IntegerField()


class AnalyticsSerializer(serializers.Serializer):
    member_count = serializers.IntegerField()
    requests_considered = serializers.IntegerField()
    sectors = CountRowSerializer(many=True)
    countries = CountRowSerializer(many=True)
    certification_gaps = CertificationGapSerializer(many=True)
    activity = MonthActivitySerializer(many=True)
    near_misses = NearMissCountSerializer(many=True)
    members = MemberFiguresSerializer(many=True)


class ClusterAnalyticsApi(Api):
    """Members by sector and country, certification gaps, activity per month, near-misses."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AnalyticsSerializer})
    def get(self, request: Request, cluster_id: int) -> Response:
        cluster = found(selectors.cluster_get_for_analytics_by_id(user=request.user, pk=cluster_id))
        analytics = selectors.cluster_analytics(user=request.user, cluster=cluster)
        return Response(AnalyticsSerializer(analytics).data)
