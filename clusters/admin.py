"""Staff admin of clusters. Reviews go through the service, so who approved is recorded;
memberships and their history are shown read-only: changes happen through the services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from clusters import services
from clusters.models import Cluster, ClusterMembership, ImportedFirm, MemberImport, MembershipEvent


def _review(request: HttpRequest, queryset: QuerySet[Cluster], status: str) -> None:
    done = 0
    for cluster in queryset:
        try:
            services.cluster_review(cluster=cluster, actor=request.user, status=status)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"{cluster}: {exc}")
        else:
            done += 1
    if done:
        messages.success(request, f"{done} cluster(s) {status}.")


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "sector", "body", "status", "created_at"]
    list_filter = ["status", "country"]
    search_fields = ["name", "body__legal_name"]
    readonly_fields = ["status", "reviewed_at", "reviewed_by", "proposed_by", "created_at"]
    raw_id_fields = ["sector", "body"]
    filter_horizontal = ["managers"]
    actions = ["approve", "reject"]

    @admin.action(description="Approve the selected clusters")
    def approve(self, request: HttpRequest, queryset: QuerySet[Cluster]) -> None:
        _review(request, queryset, Cluster.Status.APPROVED)

    @admin.action(description="Reject the selected clusters")
    def reject(self, request: HttpRequest, queryset: QuerySet[Cluster]) -> None:
        _review(request, queryset, Cluster.Status.REJECTED)


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "actor", "from_status", "to_status", "note"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ClusterMembership)
class ClusterMembershipAdmin(admin.ModelAdmin):
    list_display = ["cluster", "supplier", "invited_email", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["cluster__name", "supplier__legal_name", "invited_email"]
    inlines = [MembershipEventInline]
    exclude = ["token"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(MemberImport)
class MemberImportAdmin(admin.ModelAdmin):
    """Imports are read-only here: managers upload and apply them on the cluster's pages."""

    list_display = ["file_name", "cluster", "status", "rows_total", "created_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["file_name", "cluster__name"]
    exclude = ["rows"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ImportedFirm)
class ImportedFirmAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "cluster", "claimed_at", "created_at"]
    search_fields = ["email", "organisation__legal_name"]
    list_filter = ["cluster"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
