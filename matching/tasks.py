"""Thin jobs: load by id, call a service. Each is safe to run twice."""

from dataclasses import asdict

from celery import chord, group, shared_task
from django.conf import settings

from matching.index_store import index_apply_changes
from sme_platform.tasks import RETRY, TRANSIENT

# REQUEST LIFECYCLE AND SAVED SEARCHES
# ------------------------------------------------------------------------------


@shared_task
def close_expired_requests() -> int:
    """Periodic (Celery beat): close open requests whose deadline has passed."""
    from matching import services  # imported when the job runs: the services enqueue it

    return services.request_expire_due()


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def notify_saved_searches_for_supplier(supplier_id: int) -> int:
    """Tell buyers whose saved searches a new or changed supplier now matches."""
    from matching import services  # imported when the job runs: the services enqueue it

    return services.saved_searches_notify_for_supplier(supplier_id=supplier_id)


# MATCHING
# ------------------------------------------------------------------------------


@shared_task(**RETRY)
def match_request(request_id: int) -> dict:
    """A request was opened or changed: match it against every supplier."""
    from matching import services  # imported when the job runs: the services enqueue it

    return asdict(services.match_one_request(request_id=request_id))


@shared_task(**RETRY)
def refresh_supplier_in_index(supplier_id: int) -> int:
    """A supplier's cluster memberships changed: refresh it in the search index."""
    return index_apply_changes([supplier_id]).pk


@shared_task(**RETRY)
def match_supplier(supplier_id: int) -> int:
    """A supplier's profile changed: score it against every open request."""
    from matching import services  # imported when the job runs: the services enqueue it

    return services.match_one_supplier(supplier_id=supplier_id)


@shared_task(bind=True, **RETRY)
def run_full_match(self, run_id: int) -> None:
    """Periodic: rebuild the index, then match every open request, shard by shard.

    Shards of suppliers run as a Celery group on every worker that listens; a chord
    merges their pools per request, so more workers make the run faster.
    """
    from matching import services  # imported when the job runs: the services enqueue it

    shards = max(1, settings.MATCH_SHARDS)
    try:
        request_ids = services.match_run_prepare(run_id=run_id, shards=shards)
    except TRANSIENT:
        raise
    except Exception as exc:
        services.match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise
    header = group(match_shard.s(run_id, shard, shards, request_ids) for shard in range(shards))
    merge = merge_match_shards.s(run_id).on_error(mark_match_run_failed.s(run_id=run_id))
    chord(header)(merge)


@shared_task(**RETRY)
def match_shard(run_id: int, shard: int, shards: int, request_ids: list[int]) -> dict:
    from matching import services  # imported when the job runs: the services enqueue it

    try:
        return services.match_run_shard(
            run_id=run_id, shard=shard, shards=shards, request_ids=request_ids
        )
    except TRANSIENT:
        raise
    except Exception as exc:
        services.match_run_fail(run_id=run_id, error=f"shard {shard}: {type(exc).__name__}: {exc}")
        raise


@shared_task(**RETRY)
def merge_match_shards(shard_results: list[dict], run_id: int) -> int:
    from matching import services  # imported when the job runs: the services enqueue it

    try:
        run = services.match_run_finish(run_id=run_id, shard_results=shard_results)
    except TRANSIENT:
        raise
    except Exception as exc:
        services.match_run_fail(run_id=run_id, error=f"merge: {type(exc).__name__}: {exc}")
        raise
    return run.proposals_created


@shared_task
def mark_match_run_failed(request, exc, traceback, run_id: int) -> None:
    """A shard or the merge failed for good: the run ends FAILED with the error shown."""
    from matching import services  # imported when the job runs: the services enqueue it

    services.match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")


@shared_task
def scheduled_full_match() -> int:
    """Celery beat's entry point: record a run and start it."""
    from matching import services  # imported when the job runs: the services enqueue it

    return services.match_run_start(trigger="schedule").pk


@shared_task(**RETRY)
def learn_weights() -> int | None:
    """Periodic: refit the factor weights from decisions; adopted only if they rank better."""
    from matching import services  # imported when the job runs: the services enqueue it

    weights = services.weights_learn()
    return weights.pk if weights else None


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def supplier_profile_changed(organisation_id: int) -> None:
    """A supplier's profile changed: refresh it in the index, tell saved searches, match it."""
    from matching import services  # imported when the job runs: the services enqueue it

    index_apply_changes([organisation_id])
    # After the index update: both read the index to decide whether the supplier fits.
    services.saved_searches_notify_for_supplier(supplier_id=organisation_id)
    services.match_one_supplier(supplier_id=organisation_id)
