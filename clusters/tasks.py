"""Thin jobs: load by id, call a service."""

from celery import shared_task
from django.urls import reverse

from clusters import services
from clusters.models import ClusterMembership
from companies.notifications import absolute_url


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_membership_invitation(membership_id: int) -> None:
    """E-mail a cluster's invitation to a firm that has not signed up yet."""
    membership = (
        ClusterMembership.objects.select_related("cluster__body")
        .filter(pk=membership_id, status=ClusterMembership.Status.INVITED)
        .first()
    )
    # Withdrawn, or already attached to a firm that signed up, before the job ran.
    if membership is None or membership.supplier_id is not None:
        return
    accept_url = absolute_url(reverse("cluster-invitation", kwargs={"token": membership.token}))
    services.membership_invitation_email_send(membership=membership, accept_url=accept_url)


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def deliver_broadcast(broadcast_id: int) -> int:
    """Tell a broadcast's recipient firms; safe to run twice (told firms are skipped)."""
    return services.broadcast_deliver(broadcast_id=broadcast_id)
