"""Writes for broadcasts: a manager sends an opportunity to the cluster's members.

``broadcast_send`` checks everything and records the broadcast with its
recipients in one transaction; after commit a job (``consortia.tasks.
deliver_broadcast_task``) tells each recipient firm's users through ``notify``, in
batches, so a cluster of thousands does not hold up the manager's page. The job
is safe to run twice: a recipient already told is skipped.

A broadcast points only at a public open request: a confidential request is
never spread beyond those it was proposed to, and an id the manager may not see
is answered like an unknown one, so its existence does not leak.
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster, ClusterMembership
from companies.models import User
from companies.permissions import require_confirmed_email
from consortia.models import Broadcast, BroadcastRecipient
from consortia.models.broadcasts import SUBJECT_LIMIT
from consortia.permissions import check_broadcast_sender, is_broadcast_recipient
from consortia.tasks import deliver_broadcast_task
from matching.models import SourcingRequest
from matching.selectors import request_get_visible
from notifications.services import notify
from sme_platform.errors import field_errors, refusal
from sme_platform.outbox import enqueue_on_commit

__all__ = [
    "DELIVERY_BATCH",
    "NOT_MEMBERSHIP_IDS",
    "NO_SUCH_REQUEST",
    "RECIPIENT_LIMIT",
    "broadcast_deliver",
    "broadcast_fail",
    "broadcast_mark_read",
    "broadcast_send",
]

# Recipient firms told per transaction: each batch commits its notices and then
# queues its e-mails; a few hundred rows keep a batch well under a second.
DELIVERY_BATCH = 200
NOTIFICATION_KIND = "cluster_broadcast"
# Chosen members one broadcast may name; more is "all members".
RECIPIENT_LIMIT = 5000


# What the API and the page say of an id that is not a number, as of one not seen.
NO_SUCH_REQUEST = "No open public request has this id."
NOT_MEMBERSHIP_IDS = "Give members by the id of their membership."


def _request_problem(request: SourcingRequest | None) -> str | None:
    """Why the broadcast cannot point at this request (one the manager sees, public, open)."""
    if request is None:
        return NO_SUCH_REQUEST
    if request.visibility != SourcingRequest.Visibility.PUBLIC:
        return "This request is confidential: only the suppliers it was proposed to may see it."
    if not request.is_open:
        label = SourcingRequest.Status(request.effective_status).label.lower()
        return f"This request is {label}: broadcast only open requests."
    return None


def _content_errors(subject: str, body: str) -> dict[str, list[str]]:
    """A message alone needs both its subject and its text."""
    if not subject and not body:
        return {"body": ["Write a message (a subject and its text) or choose a request."]}
    if not subject:
        return {"subject": ["Give the message a subject."]}
    if not body:
        return {"body": ["Write the message's text."]}
    return {}


def _recipients(
    cluster: Cluster, audience: str, recipient_ids: Sequence[int] | None
) -> tuple[list[ClusterMembership], str | None]:
    """The active memberships sent to, or why the choice cannot be sent to."""
    active = ClusterMembership.objects.filter(
        cluster=cluster, status=ClusterMembership.Status.ACTIVE, supplier__isnull=False
    ).select_related("supplier")
    if audience == Broadcast.Audience.ALL:
        memberships = list(active)
        return (
            memberships,
            None if memberships else "The cluster has no active member to send to yet.",
        )
    chosen = list(recipient_ids or [])
    if not chosen:
        return [], "Choose at least one member."
    if len(chosen) > RECIPIENT_LIMIT:
        return [], (
            f"At most {RECIPIENT_LIMIT} chosen members at once; send to all members instead."
        )
    # The API and the page hand numbers over; anything else is a caller's mistake.
    if any(isinstance(pk, bool) or not isinstance(pk, int) for pk in chosen):
        return [], NOT_MEMBERSHIP_IDS
    memberships = list(active.filter(pk__in=chosen))
    missing = sorted(set(chosen) - {m.pk for m in memberships})
    if missing:
        listed = ", ".join(str(pk) for pk in missing)
        return memberships, (
            f"Not an active member of this cluster: {listed}. "
            "Suspended, removed and former members receive no broadcasts."
        )
    return memberships, None


@transaction.atomic
def broadcast_send(
    *,
    cluster: Cluster,
    actor: User,
    subject: str = "",
    body: str = "",
    request_id: int | None = None,
    audience: str = Broadcast.Audience.ALL,
    recipient_ids: Sequence[int] | None = None,
) -> Broadcast:
    """Record a broadcast to the cluster's active members and queue its delivery.

    A broadcast needs a public open request, a message (subject and text), or
    both; with a request alone its title is the subject. ``audience`` is
    ``"all"`` or ``"selected"``; with ``"selected"``, ``recipient_ids`` are ids of
    active memberships of this cluster.
    """
    check_broadcast_sender(actor, cluster)
    require_confirmed_email(actor)
    # What a person typed is trimmed here, so that a subject of spaces is no subject.
    subject, body = subject.strip(), body.strip()
    broadcast = Broadcast(
        cluster=cluster, sender=actor, subject=subject, body=body, audience=audience
    )
    # Every problem at once, so that the manager mends the form in one go. A missing
    # subject is told below, in words that say what to write instead.
    errors = field_errors(
        broadcast, ["subject", "body", "audience"] if subject else ["body", "audience"]
    )
    request = None
    if request_id is not None:
        request = request_get_visible(user=actor, pk=request_id)
        problem = _request_problem(request)
        if problem:
            errors["request_id"], request = [problem], None
    if request is None and "request_id" not in errors:
        for field, messages in _content_errors(subject, body).items():
            errors.setdefault(field, messages)
    if not cluster.is_approved:
        errors["cluster"] = ["Broadcasts open once staff approve the cluster."]
    if "audience" not in errors:
        memberships, problem = _recipients(cluster, audience, recipient_ids)
        if problem:
            errors["recipient_ids"] = [problem]
    if errors:
        raise refusal(errors)
    broadcast.request = request
    if request is not None and not subject:
        broadcast.subject = request.title[:SUBJECT_LIMIT]
    broadcast.save()
    BroadcastRecipient.objects.bulk_create(
        [
            BroadcastRecipient(broadcast=broadcast, supplier=m.supplier, membership=m)
            for m in {m.supplier_id: m for m in memberships}.values()
            if m.supplier is not None
        ]
    )

    enqueue_on_commit(deliver_broadcast_task, broadcast.pk)
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
                    notify(
                        user=user,
                        kind=NOTIFICATION_KIND,
                        title=title,
                        body=body,
                        url=url,
                        key=f"broadcast:{broadcast.pk}",
                    )
                recipient.notified_at = now
            BroadcastRecipient.objects.bulk_update(kept, ["notified_at"])
            told += len(kept)
    if broadcast.status != Broadcast.Status.SENT:
        broadcast.status = Broadcast.Status.SENT
        broadcast.sent_at = timezone.now()
        broadcast.error = ""
        broadcast.save(update_fields=["status", "sent_at", "error"])
    return told


@transaction.atomic
def broadcast_fail(*, broadcast_id: int, error: str) -> None:
    """The delivery job failed for good: the managers see the broadcast was not sent, and
    why. Firms already told stay told; one delivered in full stays sent."""
    Broadcast.objects.exclude(status=Broadcast.Status.SENT).filter(pk=broadcast_id).update(
        status=Broadcast.Status.FAILED, error=error[:4000]
    )


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
