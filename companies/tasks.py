"""Thin jobs: load by id, call a service."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from companies import services
from companies.models import Invitation


@shared_task(
    bind=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def send_invitation(self, invitation_id: int) -> None:
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


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def supplier_profile_changed(organisation_id: int) -> None:
    """A supplier's profile changed: refresh it in the index, tell saved searches, match it."""
    from matching.index_store import index_apply_changes
    from matching.services import match_one_supplier, saved_searches_notify_for_supplier

    index_apply_changes([organisation_id])
    # After the index update: both read the index to decide whether the supplier fits.
    saved_searches_notify_for_supplier(supplier_id=organisation_id)
    match_one_supplier(supplier_id=organisation_id)
