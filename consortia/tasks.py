"""Thin jobs: load by id, call a service.

The services enqueue these jobs, so each job imports the services when it runs.
"""

from celery import shared_task

from sme_platform.tasks import PlatformTask


@shared_task(base=PlatformTask, name="consortia.deliver_broadcast_task")
def deliver_broadcast_task(broadcast_id: int) -> int:
    """Tell a broadcast's recipient firms; safe to run twice (told firms are skipped)."""
    from consortia import services

    return services.broadcast_deliver(broadcast_id=broadcast_id)
