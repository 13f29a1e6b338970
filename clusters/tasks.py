"""Thin jobs: load by id, call a service."""

from collections.abc import Callable

from celery import shared_task
from django.urls import reverse

from clusters.models import ClusterMembership
from companies.models import Invitation
from notifications.services import absolute_url
from sme_platform.tasks import RETRY, TRANSIENT


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_membership_invitation(membership_id: int) -> None:
    """E-mail a cluster's invitation to a firm that has not signed up yet."""
    from clusters import services  # imported when the job runs: the services enqueue it

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


# MEMBER IMPORTS
# ------------------------------------------------------------------------------


def _import_step(step: Callable[..., object], member_import_id: int) -> None:
    """Run one step of an import; a permanent error leaves the import FAILED, with why."""
    from clusters import services  # imported when the job runs: the services enqueue it

    try:
        step(member_import_id=member_import_id)
    except TRANSIENT:
        raise
    except Exception as exc:
        services.member_import_fail(
            member_import_id=member_import_id, error=f"{type(exc).__name__}: {exc}"
        )
        raise


@shared_task(**RETRY)
def run_member_import(member_import_id: int) -> None:
    """Check an uploaded member list (the dry run); apply it too if it was uploaded so."""
    from clusters import services  # imported when the job runs: the services enqueue it

    _import_step(services.member_import_process, member_import_id)


@shared_task(**RETRY)
def apply_member_import(member_import_id: int) -> None:
    """Write a checked member list: every valid row in one transaction."""
    from clusters import services  # imported when the job runs: the services enqueue it

    _import_step(services.member_import_run_apply, member_import_id)


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_claim_invitations(invitation_ids: list[int]) -> int:
    """E-mail a whole import's invitations to claim the profiles; each is sent once."""
    from clusters import services  # imported when the job runs: the services enqueue it

    sent = 0
    for invitation in Invitation.objects.select_related("organisation").filter(
        pk__in=invitation_ids, accepted_at__isnull=True, sent_at__isnull=True
    ):
        accept_url = absolute_url(reverse("invitation-accept", kwargs={"token": invitation.token}))
        services.imported_profile_invitation_send(invitation=invitation, accept_url=accept_url)
        sent += 1
    return sent
