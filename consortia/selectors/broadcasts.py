"""Reads for broadcasts: the managers' list with read counts, a member's inbox.

A manager sees the broadcasts of the clusters they manage; a member firm's users
see the broadcasts their firm received. Anything else is absent (a 404).
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, CharField, Count, F, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from clusters.models import Cluster, ClusterMembership
from companies.models import User
from consortia.models import Broadcast, BroadcastRecipient
from matching.models import SourcingRequest
from matching.selectors import request_list_visible_to

__all__ = [
    "BROADCASTABLE_REQUEST_LIMIT",
    "broadcast_active_members",
    "broadcast_get_for_manager",
    "broadcast_recipient_for_member",
    "broadcast_recipients",
    "broadcastable_requests",
    "broadcasts_for_manager",
    "broadcasts_for_member",
]

AnyUser = User | AnonymousUser

# Open public requests offered in the broadcast form, newest first.
BROADCASTABLE_REQUEST_LIMIT = 200


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _with_counts(qs: QuerySet[Broadcast]) -> QuerySet[Broadcast]:
    return (
        qs.select_related("sender", "request__buyer", "cluster")
        .annotate(
            recipient_count=Count("recipients", distinct=True),
            read_count=Count(
                "recipients", filter=Q(recipients__read_at__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )


def broadcasts_for_manager(*, user: AnyUser, cluster: Cluster) -> QuerySet[Broadcast]:
    """A managed cluster's broadcasts, newest first, with recipient and read counts."""
    if not user.is_authenticated or not cluster.managers.filter(pk=user.pk).exists():
        return Broadcast.objects.none()
    return _with_counts(Broadcast.objects.filter(cluster=cluster))


def broadcast_get_for_manager(*, user: AnyUser, cluster: Cluster, pk: Any) -> Broadcast | None:
    pk = _as_int(pk)
    if pk is None:
        return None
    return (
        broadcasts_for_manager(user=user, cluster=cluster)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "recipients",
                queryset=_with_reader_shown(
                    BroadcastRecipient.objects.select_related("supplier", "read_by")
                ),
            )
        )
        .first()
    )


def _with_reader_shown(qs: QuerySet[BroadcastRecipient]) -> QuerySet[BroadcastRecipient]:
    """Each receipt's ``read_by_shown``: the e-mail of the user who read it, only when
    the member agreed to share its contacts with the managers (and is a member)."""
    return qs.annotate(
        read_by_shown=Case(
            When(
                membership__share_contacts=True,
                membership__status__in=[*ClusterMembership.MEMBER_STATUSES],
                then=F("read_by__email"),
            ),
            default=Value(None),
            output_field=CharField(),
        )
    )


def broadcast_recipients(*, broadcast: Broadcast) -> QuerySet[BroadcastRecipient]:
    return _with_reader_shown(
        BroadcastRecipient.objects.filter(broadcast=broadcast).select_related("supplier", "read_by")
    )


def broadcast_active_members(*, cluster: Cluster) -> QuerySet[ClusterMembership]:
    """The memberships a broadcast may go to: active members of the cluster."""
    return (
        ClusterMembership.objects.filter(
            cluster=cluster, status=ClusterMembership.Status.ACTIVE, supplier__isnull=False
        )
        .select_related("supplier")
        .order_by("supplier__legal_name")
    )


def broadcastable_requests(
    *, user: AnyUser, limit: int = BROADCASTABLE_REQUEST_LIMIT
) -> "QuerySet[SourcingRequest]":
    """Public open requests the manager may point a broadcast at, newest first."""

    return (
        request_list_visible_to(user=user)
        .filter(
            visibility=SourcingRequest.Visibility.PUBLIC,
            status=SourcingRequest.Status.OPEN,
            deadline__gt=timezone.now(),
        )
        .order_by("-opened_at", "-pk")[:limit]
    )


def broadcasts_for_member(*, user: AnyUser) -> QuerySet[BroadcastRecipient]:
    """What the user's firm received from its clusters, newest first.

    Only broadcasts already delivered to the firm are shown: one still queued
    appears with its notification.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return BroadcastRecipient.objects.none()
    return (
        BroadcastRecipient.objects.filter(
            supplier_id=user.organisation_id, notified_at__isnull=False
        )
        .select_related("broadcast__cluster", "broadcast__request__buyer", "broadcast__sender")
        .order_by("-broadcast__created_at", "-pk")
    )


def broadcast_recipient_for_member(*, user: AnyUser, pk: Any) -> BroadcastRecipient | None:
    """The user's firm's copy of a broadcast, by the broadcast's id."""
    pk = _as_int(pk)
    if pk is None:
        return None
    return broadcasts_for_member(user=user).filter(broadcast_id=pk).first()
