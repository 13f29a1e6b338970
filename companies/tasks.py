"""Thin jobs: load by id, call a service."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from companies.models import Invitation


@shared_task(
    bind=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_invitation(self, invitation_id: int) -> None:
    from companies import services  # imported when the job runs: the services enqueue it

    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.accepted_at is not None:
        return
    accept_url = settings.SITE_URL.rstrip("/") + reverse(
        "invitation-accept", kwargs={"token": invitation.token}
    )
    services.invitation_send(invitation=invitation, accept_url=accept_url)
