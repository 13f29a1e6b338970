"""The member import API: upload (with or without a dry run), read an import with its
report and progress, apply a checked one. A cluster the user does not manage, and
its imports, are a 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from clusters import selectors, services
from clusters.models import Cluster, MemberImport
from sme_platform.api import serializers
from sme_platform.api.views import Api, ListApi, found

__all__ = ["ClusterImportApplyApi", "ClusterImportDetailApi", "ClusterImportListApi"]


class MemberImportSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.email", default="", read_only=True)
    applied_by = serializers.CharField(source="applied_by.email", default="", read_only=True)
    rows_done = serializers.SerializerMethodField(help_text="Progress of the running step")

    class Meta:
        model = MemberImport
        fields = [
            "id",
            "file_name",
            "encoding",
            "delimiter",
            "status",
            "uploaded_by",
            "created_at",
            "checked_at",
            "applied_at",
            "applied_by",
            "rows_total",
            "rows_done",
            "created_count",
            "updated_count",
            "unchanged_count",
            "rejected_count",
            "error",
        ]

    def get_rows_done(self, obj: MemberImport) -> int:
        return selectors.member_import_progress(member_import=obj)


class ReportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row as a spreadsheet shows it; the header is row 1")
    email = serializers.CharField()
    legal_name = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update", "unchanged", "reject"])
    reasons = serializers.ListField(child=serializers.CharField())
    changes = serializers.ListField(child=serializers.CharField())


class MemberImportDetailSerializer(MemberImportSerializer):
    report = ReportRowSerializer(
        many=True, read_only=True, allow_null=True, help_text="Row by row; null with summary=true"
    )

    class Meta(MemberImportSerializer.Meta):
        fields = [*MemberImportSerializer.Meta.fields, "report"]


def _cluster(request: Request, cluster_id: int) -> Cluster:
    return found(selectors.cluster_get_managed_by_id(user=request.user, pk=cluster_id))


def _detail(request: Request, cluster: Cluster, import_id: int) -> MemberImport:
    return found(
        selectors.member_import_get_for_manager(user=request.user, cluster=cluster, pk=import_id)
    )


class ClusterImportListApi(ListApi):
    """The cluster's imports (GET), or upload a member list (POST, multipart)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(
            required=False, allow_empty_file=True, help_text="The member list, CSV"
        )
        dry_run = serializers.BooleanField(
            default=True, help_text="Only check; apply later. False applies right after checking."
        )

    @extend_schema(responses={200: MemberImportSerializer(many=True)})
    def get(self, request: Request, cluster_id: int) -> Response:
        cluster = _cluster(request, cluster_id)
        return self.paginated(
            selectors.member_imports_for_manager(user=request.user, cluster=cluster),
            MemberImportSerializer,
        )

    @extend_schema(request=InputSerializer, responses={201: MemberImportDetailSerializer})
    def post(self, request: Request, cluster_id: int) -> Response:
        cluster = _cluster(request, cluster_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member_import = services.member_import_upload(
            cluster=cluster,
            actor=request.user,
            upload=serializer.validated_data.get("file"),
            dry_run=serializer.validated_data["dry_run"],
        )
        # Checking may already have run (eager jobs): answer with the import as it is now.
        member_import = _detail(request, cluster, member_import.pk)
        return Response(
            MemberImportDetailSerializer(member_import).data, status=status.HTTP_201_CREATED
        )


class ClusterImportDetailApi(Api):
    """One import with its progress and its report row by row."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.QuerySerializer):
        summary = serializers.BooleanField(
            required=False, default=False, help_text="Leave out the report (for polling)"
        )

    @extend_schema(parameters=[FilterSerializer], responses={200: MemberImportDetailSerializer})
    def get(self, request: Request, cluster_id: int, import_id: int) -> Response:
        member_import = _detail(request, _cluster(request, cluster_id), import_id)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        if filters.validated_data["summary"]:
            # Polled every few seconds while an import runs: the rows can be thousands.
            return Response({**MemberImportSerializer(member_import).data, "report": None})
        return Response(MemberImportDetailSerializer(member_import).data)


class ClusterImportApplyApi(Api):
    """Apply a checked import: every valid row in one transaction, run as a job."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={202: MemberImportDetailSerializer})
    def post(self, request: Request, cluster_id: int, import_id: int) -> Response:
        cluster = _cluster(request, cluster_id)
        member_import = _detail(request, cluster, import_id)
        services.member_import_apply(member_import=member_import, actor=request.user)
        member_import = _detail(request, cluster, import_id)
        return Response(
            MemberImportDetailSerializer(member_import).data, status=status.HTTP_202_ACCEPTED
        )
