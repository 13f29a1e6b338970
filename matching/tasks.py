"""Thin jobs: load by id, call a service. Each is safe to run twice.

The services enqueue these jobs, so each job imports the services when it runs.
"""

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from celery import chord, group, shared_task
from django.conf import settings
from django.db import IntegrityError

from matching.index_store import index_apply_changes
from sme_platform.tasks import TRANSIENT, PlatformTask, error_text

# Jobs that upsert proposals, near-misses and notices lock the request first, so two of
# them never insert the same row; should one still lose a race for a unique row, it is
# run again and then finds the row to update.
RETRY_ON_COLLISION = (*TRANSIENT, IntegrityError)

# REQUEST LIFECYCLE AND SAVED SEARCHES
# ------------------------------------------------------------------------------


@shared_task(base=PlatformTask, name="matching.close_expired_requests_task")
def close_expired_requests_task() -> int:
    """Periodic (Celery beat): close open requests whose deadline has passed."""
    from matching import services

    return services.request_expire_due()


@shared_task(
    base=PlatformTask,
    name="matching.notify_saved_searches_for_supplier_task",
    autoretry_for=RETRY_ON_COLLISION,
)
def notify_saved_searches_for_supplier_task(supplier_id: int) -> int:
    """Tell buyers whose saved searches a new or changed supplier now matches."""
    from matching import services

    return services.saved_searches_notify_for_supplier(supplier_id=supplier_id)


# MATCHING
# ------------------------------------------------------------------------------


@shared_task(
    base=PlatformTask, name="matching.match_request_task", autoretry_for=RETRY_ON_COLLISION
)
def match_request_task(request_id: int) -> dict:
    """A request was opened or changed: match it against every supplier."""
    from matching import services

    return asdict(services.match_one_request(request_id=request_id))


@shared_task(
    base=PlatformTask,
    name="matching.refresh_supplier_in_index_task",
    autoretry_for=RETRY_ON_COLLISION,
)
def refresh_supplier_in_index_task(supplier_id: int) -> int:
    """A supplier's cluster memberships changed: refresh it in the search index."""
    return index_apply_changes([supplier_id]).pk


@shared_task(
    base=PlatformTask, name="matching.match_supplier_task", autoretry_for=RETRY_ON_COLLISION
)
def match_supplier_task(supplier_id: int) -> int:
    """A supplier's profile changed: score it against every open request."""
    from matching import services

    return services.match_one_supplier(supplier_id=supplier_id)


@shared_task(
    base=PlatformTask,
    name="matching.supplier_profile_changed_task",
    autoretry_for=RETRY_ON_COLLISION,
)
def supplier_profile_changed_task(organisation_id: int) -> None:
    """A supplier's profile changed: refresh it in the index, tell saved searches, match it."""
    from matching import services

    index_apply_changes([organisation_id])
    # After the index update: both read the index to decide whether the supplier fits.
    services.saved_searches_notify_for_supplier(supplier_id=organisation_id)
    services.match_one_supplier(supplier_id=organisation_id)


# FULL RUNS
# ------------------------------------------------------------------------------
# A run shows staff its state: whichever step fails for good leaves it FAILED, with the
# step and the error in the run's page.


def _record_run_failure(arguments: Mapping[str, Any], error: str) -> None:
    from matching import services

    services.match_run_fail(run_id=arguments["run_id"], error=error)


def _record_shard_failure(arguments: Mapping[str, Any], error: str) -> None:
    from matching import services

    services.match_run_fail(
        run_id=arguments["run_id"], error=f"shard {arguments['shard']}: {error}"
    )


def _record_merge_failure(arguments: Mapping[str, Any], error: str) -> None:
    from matching import services

    services.match_run_fail(run_id=arguments["run_id"], error=f"merge: {error}")


@shared_task(
    base=PlatformTask,
    name="matching.run_full_match_task",
    on_permanent_failure=_record_run_failure,
)
def run_full_match_task(run_id: int) -> None:
    """Periodic: rebuild the index, then match every open request, shard by shard.

    Shards of suppliers run as a Celery group on every worker that listens; a chord
    merges their pools per request, so more workers make the run faster.
    """
    from matching import services

    shards = max(1, settings.MATCH_SHARDS)
    request_ids = services.match_run_prepare(run_id=run_id, shards=shards)
    header = group(
        match_shard_task.s(run_id, shard, shards, request_ids) for shard in range(shards)
    )
    merge = merge_match_shards_task.s(run_id).on_error(mark_match_run_failed_task.s(run_id=run_id))
    chord(header)(merge)


@shared_task(
    base=PlatformTask,
    name="matching.match_shard_task",
    on_permanent_failure=_record_shard_failure,
)
def match_shard_task(run_id: int, shard: int, shards: int, request_ids: list[int]) -> dict:
    """One shard of suppliers against every request of the run."""
    from matching import services

    return services.match_run_shard(
        run_id=run_id, shard=shard, shards=shards, request_ids=request_ids
    )


@shared_task(
    base=PlatformTask,
    name="matching.merge_match_shards_task",
    autoretry_for=RETRY_ON_COLLISION,
    on_permanent_failure=_record_merge_failure,
)
def merge_match_shards_task(shard_results: list[dict], run_id: int) -> int:
    """The chord's body: merge the shards' pools per request and close the run."""
    from matching import services

    return services.match_run_finish(run_id=run_id, shard_results=shard_results).proposals_created


@shared_task(base=PlatformTask, name="matching.mark_match_run_failed_task")
def mark_match_run_failed_task(
    request: Any, exc: BaseException, traceback: Any, run_id: int
) -> None:
    """The chord's error callback: a shard or the merge failed for good, so the run did."""
    from matching import services

    services.match_run_fail(run_id=run_id, error=error_text(exc))


@shared_task(base=PlatformTask, name="matching.scheduled_full_match_task")
def scheduled_full_match_task() -> int:
    """Celery beat's entry point: record a run and start it."""
    from matching import services

    return services.match_run_start(trigger="schedule").pk


# LEARNING
# ------------------------------------------------------------------------------


@shared_task(base=PlatformTask, name="matching.learn_weights_task")
def learn_weights_task() -> int | None:
    """Periodic: refit the factor weights from decisions; adopted only if they rank better."""
    from matching import services

    weights = services.weights_learn()
    return weights.pk if weights else None
