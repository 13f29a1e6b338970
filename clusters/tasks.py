"""Thin jobs: load by id, call a service.

The services enqueue these jobs, so each job imports the services when it runs.
"""

from collections.abc import Mapping
from typing import Any

from celery import shared_task
from django.urls import reverse

from clusters.models import ClusterMembership
from companies.models import Invitation
from notifications.services import absolute_url
from sme_platform.tasks import PlatformTask


@shared_task(base=PlatformTask, name="clusters.send_membership_invitation_task")
def send_membership_invitation_task(membership_id: int) -> None:
    """E-mail a cluster's invitation to a firm that has not signed up yet."""
    from clusters import services

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


def _record_import_failure(arguments: Mapping[str, Any], error: str) -> None:
    """The import ends FAILED, with why, on the manager's page."""
    from clusters import services

    services.member_import_fail(member_import_id=arguments["member_import_id"], error=error)


@shared_task(
    base=PlatformTask,
    name="clusters.run_member_import_task",
    on_permanent_failure=_record_import_failure,
)
def run_member_import_task(member_import_id: int) -> None:
    """Check an uploaded member list (the dry run); apply it too if it was uploaded so."""
    from clusters import services

    services.member_import_process(member_import_id=member_import_id)


@shared_task(
    base=PlatformTask,
    name="clusters.apply_member_import_task",
    on_permanent_failure=_record_import_failure,
)
def apply_member_import_task(member_import_id: int) -> None:
    """Write a checked member list: every valid row in one transaction."""
    from clusters import services

    services.member_import_run_apply(member_import_id=member_import_id)


@shared_task(base=PlatformTask, name="clusters.send_claim_invitations_task")
def send_claim_invitations_task(invitation_ids: list[int]) -> int:
    """E-mail a whole import's invitations to claim the profiles; each is sent once."""
    from clusters import services

    sent = 0
    for invitation in Invitation.objects.select_related("organisation").filter(
        pk__in=invitation_ids, accepted_at__isnull=True, sent_at__isnull=True
    ):
        accept_url = absolute_url(reverse("invitation-accept", kwargs={"token": invitation.token}))
        services.imported_profile_invitation_send(invitation=invitation, accept_url=accept_url)
        sent += 1
    return sent
