"""Thin jobs: load by id, call a service. Each is safe to run twice."""

from celery import shared_task

# Registers the notification e-mail job with every worker that loads this app's tasks.
from companies.notifications import send_notification_email  # noqa: F401
from matching import services

# REQUEST LIFECYCLE AND SAVED SEARCHES
# ------------------------------------------------------------------------------


@shared_task
def close_expired_requests() -> int:
    """Periodic (Celery beat): close open requests whose deadline has passed."""
    return services.request_expire_due()


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def notify_saved_searches_for_supplier(supplier_id: int) -> int:
    """Tell buyers whose saved searches a new or changed supplier now matches."""
    return services.saved_searches_notify_for_supplier(supplier_id=supplier_id)


# MATCHING
# ------------------------------------------------------------------------------
# The matcher's jobs (match_request and the periodic re-match) go here.
