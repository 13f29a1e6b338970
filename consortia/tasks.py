"""Thin jobs: load by id, call a service."""

from celery import shared_task


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def deliver_broadcast(broadcast_id: int) -> int:
    """Tell a broadcast's recipient firms; safe to run twice (told firms are skipped)."""
    from consortia import (
        services as consortia_services,  # imported when the job runs: the services enqueue it
    )

    return consortia_services.broadcast_deliver(broadcast_id=broadcast_id)
