"""Reads of member imports: only the cluster's managers see them (others get None, a 404)."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import QuerySet

from clusters.models import Cluster, MemberImport
from companies.models import User

__all__ = ["member_import_get_for_manager", "member_import_progress", "member_imports_for_manager"]

AnyUser = User | AnonymousUser


def _manages(user: AnyUser, cluster: Cluster) -> bool:
    return isinstance(user, User) and cluster.managers.filter(pk=user.pk).exists()


def member_imports_for_manager(*, user: AnyUser, cluster: Cluster) -> QuerySet[MemberImport]:
    """Past imports of a cluster the user manages, newest first, without their rows."""
    if not _manages(user, cluster):
        return MemberImport.objects.none()
    return (
        MemberImport.objects.filter(cluster=cluster)
        .select_related("uploaded_by", "applied_by")
        .defer("rows", "report")
        .order_by("-created_at", "-pk")
    )


def member_import_get_for_manager(
    *, user: AnyUser, cluster: Cluster, pk: Any
) -> MemberImport | None:
    """One import of a cluster the user manages, with its report."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not _manages(user, cluster):
        return None
    return (
        MemberImport.objects.filter(cluster=cluster, pk=pk)
        .select_related("cluster", "uploaded_by", "applied_by")
        .first()
    )


def member_import_progress(*, member_import: MemberImport) -> int:
    """Rows done by the running step: applying reports through the cache, checking in the row."""
    if member_import.status == MemberImport.Status.APPLYING:
        done = cache.get(member_import.progress_key)
        if done is not None:
            return int(done)
    return member_import.rows_done
