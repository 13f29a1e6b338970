"""Writes for broadcasts: a manager sends an opportunity to the cluster's members.

``broadcast_send`` checks everything and records the broadcast with its
recipients in one transaction; after commit a job (``clusters.tasks.
deliver_broadcast``) tells each recipient firm's users through ``notify``, in
batches, so a cluster of thousands does not hold up the manager's page. The job
is safe to run twice: a recipient already told is skipped.

A broadcast points only at a public open request: a confidential request is
never spread beyond those it was proposed to, and an id the manager may not see
is answered like an unknown one, so its existence does not leak.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, ClusterMembership
from companies.models import User
from consortia.models import Broadcast, BroadcastRecipient
from consortia.models.broadcasts import BODY_LIMIT, SUBJECT_LIMIT
from consortia.permissions import check_broadcast_sender, is_broadcast_recipient
from consortia.tasks import deliver_broadcast
from matching.models import SourcingRequest
from matching.selectors import request_get_visible
from notifications.services import notify

__all__ = [
    "DELIVERY_BATCH",
    "RECIPIENT_LIMIT",
    "broadcast_deliver",
    "broadcast_mark_read",
    "broadcast_send",
]

# Recipient firms told per transaction: each batch commits its notices and then
# queues its e-mails; a few hundred rows keep a batch well under a second.
DELIVERY_BATCH = 200
NOTIFICATION_KIND = "cluster_broadcast"
# Chosen members one broadcast may name; more is "all members".
RECIPIENT_LIMIT = 5000


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _clean_text(value: Any, *, field: str, limit: int, errors: dict[str, list[str]]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > limit:
        errors[field] = [f"At most {limit} characters (you gave {len(text)})."]
    return text


def _clean_request(
    actor: User, request_id: Any, errors: dict[str, list[str]]
) -> "SourcingRequest | None":
    """The request the broadcast points at: one the manager sees, public and open."""

    if request_id in (None, ""):
        return None
    pk = _as_int(request_id)
    request = request_get_visible(user=actor, pk=pk) if pk is not None else None
    if request is None:
        errors["request_id"] = ["No open public request has this id."]
        return None
    if request.visibility != SourcingRequest.Visibility.PUBLIC:
        errors["request_id"] = [
            "This request is confidential: only the suppliers it was proposed to may see it."
        ]
        return None
    if not request.is_open:
        label = SourcingRequest.Status(request.effective_status).label.lower()
        errors["request_id"] = [f"This request is {label}: broadcast only open requests."]
        return None
    return request


def _clean_recipients(
    cluster: Cluster, audience: str, recipient_ids: Iterable[Any] | None, errors: dict
) -> list[ClusterMembership]:
    active = ClusterMembership.objects.filter(
        cluster=cluster, status=ClusterMembership.Status.ACTIVE, supplier__isnull=False
    ).select_related("supplier")
    if audience not in Broadcast.Audience.values:
        errors["audience"] = ["Send to all active members or to chosen ones."]
        return []
    if audience == Broadcast.Audience.ALL:
        memberships = list(active)
        if not memberships:
            errors["recipient_ids"] = ["The cluster has no active member to send to yet."]
        return memberships
    raw = list(recipient_ids or [])
    if not raw:
        errors["recipient_ids"] = ["Choose at least one member."]
        return []
    if len(raw) > RECIPIENT_LIMIT:
        errors["recipient_ids"] = [
            f"At most {RECIPIENT_LIMIT} chosen members at once; send to all members instead."
        ]
        return []
    parsed = [_as_int(value) for value in raw]
    ids = [pk for pk in parsed if pk is not None]
    if len(ids) != len(parsed):
        errors["recipient_ids"] = ["Give members by the id of their membership."]
        return []
    memberships = list(active.filter(pk__in=ids))
    missing = sorted(set(ids) - {m.pk for m in memberships})
    if missing:
        listed = ", ".join(str(pk) for pk in missing)
        errors["recipient_ids"] = [
            f"Not an active member of this cluster: {listed}. "
            "Suspended, removed and former members receive no broadcasts."
        ]
    return memberships


@transaction.atomic
def broadcast_send(
    *,
    cluster: Cluster,
    actor: User,
    subject: str = "",
    body: str = "",
    request_id: int | str | None = None,
    audience: str = Broadcast.Audience.ALL,
    recipient_ids: Iterable[int | str] | None = None,
) -> Broadcast:
    """Record a broadcast to the cluster's active members and queue its delivery.

    A broadcast needs a public open request, a message (subject and text), or
    both; with a request alone its title is the subject. ``audience`` is
    ``"all"`` or ``"selected"``; with ``"selected"``, ``recipient_ids`` are ids of
    active memberships of this cluster.
    """
    check_broadcast_sender(actor, cluster)
    errors: dict[str, list[str]] = {}
    subject = _clean_text(subject, field="subject", limit=SUBJECT_LIMIT, errors=errors)
    body = _clean_text(body, field="body", limit=BODY_LIMIT, errors=errors)
    request = _clean_request(actor, request_id, errors)
    if request is None and "request_id" not in errors:
        if not subject and not body:
            errors["body"] = ["Write a message (a subject and its text) or choose a request."]
        elif not subject:
            errors.setdefault("subject", ["Give the message a subject."])
        elif not body:
            errors.setdefault("body", ["Write the message's text."])
    if not cluster.is_approved:
        errors["cluster"] = ["Broadcasts open once staff approve the cluster."]
    memberships = _clean_recipients(cluster, audience, recipient_ids, errors)
    if errors:
        raise ValidationError(errors)

    broadcast = Broadcast(
        cluster=cluster,
        sender=actor,
        request=request,
        subject=subject or (request.title[:SUBJECT_LIMIT] if request else ""),
        body=body,
        audience=audience,
    )
    broadcast.full_clean()
    broadcast.save()
    BroadcastRecipient.objects.bulk_create(
        [
            BroadcastRecipient(broadcast=broadcast, supplier=m.supplier, membership=m)
            for m in {m.supplier_id: m for m in memberships}.values()
            if m.supplier is not None
        ]
    )

    broadcast_id = broadcast.pk
    transaction.on_commit(lambda: deliver_broadcast.delay(broadcast_id))
    return broadcast


def _notice_body(broadcast: Broadcast) -> str:
    parts = []
    if broadcast.body:
        parts.append(broadcast.body)
    request = broadcast.request
    if request is not None:
        parts.append(f"Opportunity: {request.title} ({request.buyer.legal_name}).")
    return "\n\n".join(parts)


def broadcast_deliver(*, broadcast_id: int) -> int:
    """Notify the users of every recipient firm not told yet; returns the firms told.

    A firm that stopped being an active member between sending and delivery is
    dropped from the recipients: suspended, removed and former members are never told.
    """
    broadcast = (
        Broadcast.objects.select_related("cluster", "request__buyer")
        .filter(pk=broadcast_id)
        .first()
    )
    if broadcast is None:
        return 0
    title = f"{broadcast.cluster.name}: {broadcast.subject}"[:200]
    body = _notice_body(broadcast)
    told = 0
    while True:
        with transaction.atomic():
            batch = list(
                BroadcastRecipient.objects.select_for_update(of=("self",))
                .filter(broadcast=broadcast, notified_at__isnull=True)
                .order_by("pk")[:DELIVERY_BATCH]
            )
            if not batch:
                break
            still_active = set(
                ClusterMembership.objects.filter(
                    cluster_id=broadcast.cluster_id,
                    status=ClusterMembership.Status.ACTIVE,
                    supplier_id__in=[r.supplier_id for r in batch],
                ).values_list("supplier_id", flat=True)
            )
            gone = [r.pk for r in batch if r.supplier_id not in still_active]
            BroadcastRecipient.objects.filter(pk__in=gone).delete()
            kept = [r for r in batch if r.supplier_id in still_active]
            users = User.objects.filter(
                organisation_id__in=[r.supplier_id for r in kept], is_active=True
            )
            by_org: dict[int, list[User]] = {}
            for user in users:
                if user.organisation_id is not None:
                    by_org.setdefault(user.organisation_id, []).append(user)
            now = timezone.now()
            for recipient in kept:
                url = reverse("my-broadcast-detail", kwargs={"pk": broadcast.pk})
                for user in by_org.get(recipient.supplier_id, []):
                    notify(user=user, kind=NOTIFICATION_KIND, title=title, body=body, url=url)
                recipient.notified_at = now
            BroadcastRecipient.objects.bulk_update(kept, ["notified_at"])
            told += len(kept)
    if broadcast.status != Broadcast.Status.SENT:
        broadcast.status = Broadcast.Status.SENT
        broadcast.sent_at = timezone.now()
        broadcast.save(update_fields=["status", "sent_at"])
    return told


@transaction.atomic
def broadcast_mark_read(*, recipient: BroadcastRecipient, actor: User) -> BroadcastRecipient:
    """A user of the recipient firm opened the broadcast; the first opening counts."""
    if not is_broadcast_recipient(actor, recipient):
        raise PermissionDenied("Only the recipient firm's users mark a broadcast read.")
    updated = BroadcastRecipient.objects.filter(pk=recipient.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=actor
    )
    if updated:
        recipient.refresh_from_db(fields=["read_at", "read_by"])
    return recipient
