"""Jobs enqueued so that neither a broker outage nor a crash loses them.

A service calls ``enqueue_on_commit(task, *args)`` where it used to call
``transaction.on_commit(lambda: task.delay(*args))``. The job is written to the
outbox inside the caller's transaction, then sent after commit; when the broker does
not answer, the error is logged and the row stays pending for ``sweep_outbox``, which a
beat entry runs every minute. The user's request succeeds whatever the broker does.

In eager mode (tests, the demo) sending runs the job in place, as ``delay`` did, and a
job's own error still reaches the caller.
"""

import logging
from datetime import timedelta
from typing import Any

import kombu.exceptions
import redis.exceptions
from celery import Celery, Task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sme_platform.models import OutboxJob
from sme_platform.tasks import error_text

__all__ = [
    "BROKER_ERRORS",
    "GRACE",
    "KEEP_SENT",
    "SWEEP_BATCH",
    "enqueue_on_commit",
    "outbox_send",
    "sweep_outbox",
]

logger = logging.getLogger(__name__)

# What the broker's client raises when it cannot be reached.
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)

# A row younger than this may still be on its way through on_commit in another process.
GRACE = timedelta(minutes=2)
# Sent rows are kept a while to read what was enqueued when, then dropped.
KEEP_SENT = timedelta(days=7)
SWEEP_BATCH = 500


def enqueue_on_commit(task: Task, *args: Any) -> OutboxJob:
    """Record ``task(*args)`` in the current transaction and send it once that commits."""
    job = OutboxJob.objects.create(task_name=task.name, args=list(args))
    job_id = job.pk
    transaction.on_commit(lambda: outbox_send(task=task, job_id=job_id, args=args))
    return job


def outbox_send(*, task: Task, job_id: int, args: tuple[Any, ...] | list[Any]) -> bool:
    """Hand one outbox job to the broker; whether it took it."""
    pending = OutboxJob.objects.filter(pk=job_id, sent_at__isnull=True)
    eager = bool(task.app.conf.task_always_eager)
    try:
        task.delay(*args)
    except Exception as exc:
        if eager and not isinstance(exc, BROKER_ERRORS):
            # In eager mode the job itself ran here: it was delivered and failed on its
            # own, which is the job's failure to report, not one for the sweeper to retry.
            pending.update(attempts=F("attempts") + 1, sent_at=timezone.now())
            raise
        # Otherwise nothing ran: whatever went wrong (kombu's OperationalError, or the
        # RuntimeError of a result backend out of retries) was on the way to the broker.
        logger.warning("Could not enqueue %s (outbox job %s): %s", task.name, job_id, exc)
        pending.update(attempts=F("attempts") + 1, last_error=error_text(exc))
        return False
    pending.update(attempts=F("attempts") + 1, sent_at=timezone.now(), last_error="")
    return True


def sweep_outbox(*, app: Celery, older_than: timedelta = GRACE) -> int:
    """Send again the jobs still pending after ``older_than``; how many the broker took."""
    now = timezone.now()
    OutboxJob.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    cutoff = now - older_than
    jobs = list(
        OutboxJob.objects.filter(sent_at__isnull=True, created_at__lte=cutoff).order_by(
            "created_at", "pk"
        )[:SWEEP_BATCH]
    )
    sent = 0
    for job in jobs:
        task = app.tasks.get(job.task_name)
        if task is None:
            OutboxJob.objects.filter(pk=job.pk).update(
                attempts=F("attempts") + 1, last_error=f"Unknown task {job.task_name}"
            )
            continue
        try:
            taken = outbox_send(task=task, job_id=job.pk, args=job.args)
        except Exception:
            # An eager job that failed on its own must not hold up the others.
            logger.exception("Outbox job %s failed", job.pk)
            continue
        if not taken:
            # The broker is still away: the rest would wait out the same timeout each.
            break
        sent += 1
    return sent
