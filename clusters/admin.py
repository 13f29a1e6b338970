"""Staff admin of clusters: read-only. A cluster's review goes through the service (the
admin's approve and reject actions), so who approved is recorded and the managers are
told; everything else changes on the cluster's pages, through the services, whose checks
and follow-up jobs the admin would skip."""

from typing import cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from clusters import services
from clusters.models import Cluster, ClusterMembership, ImportedFirm, MemberImport, MembershipEvent
from companies.models import User
from companies.permissions import is_staff_user
from sme_platform.admin import ReadOnlyAdmin
from sme_platform.errors import ApplicationError, messages_of


def _review(request: HttpRequest, queryset: QuerySet[Cluster], status: str) -> None:
    # The admin lets only staff in: its user is signed in.
    actor = cast(User, request.user)
    done = 0
    for cluster in queryset:
        try:
            services.cluster_review(cluster=cluster, actor=actor, status=status)
        except (ApplicationError, PermissionDenied) as exc:
            messages.error(request, f"{cluster}: {' '.join(messages_of(exc))}")
        else:
            done += 1
    if done:
        messages.success(request, f"{done} cluster(s) {status}.")


@admin.register(Cluster)
class ClusterAdmin(ReadOnlyAdmin):
    list_display = ["name", "country", "sector", "body", "status", "created_at"]
    list_filter = ["status", "country"]
    search_fields = ["name", "body__legal_name"]
    actions = ["approve", "reject"]

    def has_review_permission(self, request: HttpRequest) -> bool:
        return is_staff_user(request.user)

    @admin.action(description="Approve the selected clusters", permissions=["review"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Cluster]) -> None:
        _review(request, queryset, Cluster.Status.APPROVED)

    @admin.action(description="Reject the selected clusters", permissions=["review"])
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
class ClusterMembershipAdmin(ReadOnlyAdmin):
    list_display = ["cluster", "supplier", "invited_email", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["cluster__name", "supplier__legal_name", "invited_email"]
    inlines = [MembershipEventInline]
    exclude = ["token"]


@admin.register(MemberImport)
class MemberImportAdmin(ReadOnlyAdmin):
    """Managers upload and apply imports on the cluster's pages."""

    list_display = ["file_name", "cluster", "status", "rows_total", "created_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["file_name", "cluster__name"]
    exclude = ["rows"]


@admin.register(ImportedFirm)
class ImportedFirmAdmin(ReadOnlyAdmin):
    list_display = ["email", "organisation", "cluster", "claimed_at", "created_at"]
    search_fields = ["email", "organisation__legal_name"]
    list_filter = ["cluster"]
