"""Thin jobs: load by id, call a service.

The services enqueue these jobs, so each job imports the services when it runs.
"""

from collections.abc import Mapping
from typing import Any

from celery import shared_task

from sme_platform.tasks import PlatformTask


def _record_delivery_failure(arguments: Mapping[str, Any], error: str) -> None:
    """The broadcast shows "Not sent", with why, on the managers' pages."""
    from consortia import services

    services.broadcast_fail(broadcast_id=arguments["broadcast_id"], error=error)


@shared_task(
    base=PlatformTask,
    name="consortia.deliver_broadcast_task",
    on_permanent_failure=_record_delivery_failure,
)
def deliver_broadcast_task(broadcast_id: int) -> int:
    """Tell a broadcast's recipient firms; safe to run twice (told firms are skipped)."""
    from consortia import services

    return services.broadcast_deliver(broadcast_id=broadcast_id)
