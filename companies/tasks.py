"""Thin jobs: load by id, call a service.

The services enqueue these jobs, so each job imports the services when it runs.
"""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from companies.models import Invitation
from sme_platform.tasks import PlatformTask


@shared_task(base=PlatformTask, name="companies.send_invitation_task")
def send_invitation_task(invitation_id: int) -> None:
    """E-mail an invitation to join an organisation; one accepted or already sent is skipped."""
    from companies import services

    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.accepted_at is not None or invitation.sent_at is not None:
        return
    accept_url = settings.SITE_URL.rstrip("/") + reverse(
        "invitation-accept", kwargs={"token": invitation.token}
    )
    services.invitation_send(invitation=invitation, accept_url=accept_url)


@shared_task(base=PlatformTask, name="companies.send_email_confirmation_task")
def send_email_confirmation_task(user_id: int, requested_at: str) -> None:
    """E-mail a sign-up's confirmation link; sent once per request, never once confirmed."""
    from django.utils.dateparse import parse_datetime

    from companies import services

    when = parse_datetime(requested_at)
    if when is None:
        return
    services.email_confirmation_send(user_id=user_id, requested_at=when)
