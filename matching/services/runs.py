"""Running the matcher against the database: one request, one supplier, or everything.

The engine ranks (``engine``); these functions turn rows into engine
records, apply the results as proposals, and keep the ``MatchRun`` record that the
pages show while a full run progresses shard by shard.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from companies.models import Organisation, User
from engine.learning import Decision, learn_weights
from engine.matcher import (
    MatchResult,
    ScoredSupplier,
    match_request,
    merge_shards,
    score_pair,
    shard_candidates,
)
from engine.records import RequestRecord
from engine.thresholds import MIN_SCORE, TOP_K
from matching import hooks, regions
from matching.index_store import (
    current_index,
    current_version,
    day_number,
    index_build_full,
    supplier_records,
)
from matching.models import MatchRun, Proposal, ScoringWeights, SourcingRequest, max_length_of
from matching.permissions import can_run_matcher
from matching.services.proposals import (
    ApplyCounts,
    proposal_invite,
    proposals_apply_match,
    proposals_close_for_request,
)
from matching.tasks import run_full_match_task
from matching.weights import current_weights, weights_version
from sme_platform.outbox import enqueue_on_commit

__all__ = [
    "engine_version",
    "match_one_request",
    "match_one_supplier",
    "match_run_fail",
    "match_run_finish",
    "match_run_prepare",
    "match_run_shard",
    "match_run_start",
    "open_request_ids",
    "proposal_invite_from_search",
    "request_record",
    "weights_learn",
]

logger = logging.getLogger(__name__)


def request_record(request: SourcingRequest) -> RequestRecord:
    certifications = list(request.required_certifications.all())
    return RequestRecord(
        id=request.pk,
        title=request.title,
        description=request.description,
        hs_codes=list(request.hs_codes.values_list("code", flat=True)),
        isic_codes=list(request.isic_codes.values_list("code", flat=True)),
        required_certifications=[c.code for c in certifications],
        certification_names={c.code: c.name for c in certifications},
        countries=sorted(
            regions.countries_of(countries=request.countries, subregion_slugs=request.subregions)
        ),
        volume=request.volume_per_month,
        unit=request.unit,
        today=day_number(timezone.localdate()),
    )


def _load_records(ids: list[Any]) -> dict[Any, Any]:
    return {r.id: r for r in supplier_records(ids)}


def engine_version() -> str:
    version = current_version()
    return f"i{version.pk if version else 0}-{weights_version()}"


def open_request_ids() -> list[int]:
    return list(
        SourcingRequest.objects.filter(
            status=SourcingRequest.Status.OPEN, deadline__gt=timezone.now()
        ).values_list("pk", flat=True)
    )


def match_one_request(*, request_id: int) -> ApplyCounts:
    """Match one request against every supplier and apply its top k."""
    request = SourcingRequest.objects.select_related("buyer").filter(pk=request_id).first()
    if request is None:
        return ApplyCounts()
    if not request.is_open:
        proposals_close_for_request(request=request)
        _propose_consortia(request)
        return ApplyCounts()
    index = current_index()
    result = match_request(index, request_record(request), _load_records, weights=current_weights())
    counts = proposals_apply_match(request=request, result=result, engine_version=engine_version())
    _propose_consortia(request)
    return counts


def _propose_consortia(request: SourcingRequest) -> None:
    """Clusters whose members could answer together get a draft consortium (or its close)."""
    hooks.request_matched.send(sender=SourcingRequest, request=request)


def match_one_supplier(*, supplier_id: int) -> int:
    """Score one supplier against every open request; returns how many proposals it got.

    A supplier that now ranks within a request's top k gets a proposal (and the
    request's weakest untouched one is withdrawn); one that fails a constraint is
    recorded as a near-miss; one that no longer fits loses its untouched proposal.
    """
    supplier = Organisation.objects.filter(pk=supplier_id, kind=Organisation.Kind.SUPPLIER).first()
    if supplier is None:
        return 0
    records = supplier_records([supplier_id])
    if not records:
        return 0
    record = records[0]
    index = current_index()
    weights = current_weights()
    version = engine_version()
    proposed = 0
    for request in SourcingRequest.objects.filter(pk__in=open_request_ids()).select_related(
        "buyer"
    ):
        scored = score_pair(index, request_record(request), record, weights=weights)
        if scored.score < MIN_SCORE:
            continue
        if scored.passes:
            ranked = list(
                Proposal.objects.filter(
                    request=request, status=Proposal.Status.PENDING, origin=Proposal.Origin.MATCHER
                )
                .exclude(supplier_id=supplier_id)
                .order_by("-score")
                .values_list("score", flat=True)
            )
            if len(ranked) >= TOP_K and scored.score <= ranked[TOP_K - 1]:
                continue
            proposals_apply_match(
                request=request,
                result=MatchResult(proposals=[scored], near_misses=[]),
                engine_version=version,
                top_only=False,
            )
            proposed += 1
        else:
            proposals_apply_match(
                request=request,
                result=MatchResult(proposals=[], near_misses=[scored]),
                engine_version=version,
                top_only=False,
            )
    return proposed


# FULL RUNS
# ------------------------------------------------------------------------------


def match_run_start(*, actor: User | None = None, trigger: str = "schedule") -> MatchRun:
    """Record a full run and queue it after commit; staff or the schedule start one."""
    if actor is not None and not can_run_matcher(actor):
        raise PermissionDenied("Only staff start match runs.")

    with transaction.atomic():
        run = MatchRun.objects.create(
            scope=MatchRun.Scope.FULL,
            started_by=actor,
            trigger=trigger[: max_length_of(MatchRun, "trigger")],
        )
        enqueue_on_commit(run_full_match_task, run.pk)
    return run


def match_run_prepare(*, run_id: int, shards: int) -> list[int]:
    """Rebuild the index and mark the run running; returns the open requests to match."""
    run = MatchRun.objects.get(pk=run_id)
    run.status = MatchRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    version = index_build_full()
    requests = open_request_ids()
    MatchRun.objects.filter(pk=run_id).update(
        index_version=version, shards_total=shards, requests_matched=len(requests)
    )
    return requests


def match_run_shard(*, run_id: int, shard: int, shards: int, request_ids: list[int]) -> dict:
    """One shard of suppliers against every request: its scored pool per request."""
    index = current_index()
    weights = current_weights()
    out: dict[str, list[dict]] = {}
    for request in SourcingRequest.objects.filter(pk__in=request_ids):
        scored = shard_candidates(
            index, request_record(request), _load_records, shard=(shard, shards), weights=weights
        )
        out[str(request.pk)] = [s.as_dict() for s in scored]
    MatchRun.objects.filter(pk=run_id).update(shards_done=F("shards_done") + 1)
    return out


def match_run_finish(*, run_id: int, shard_results: Iterable[dict]) -> MatchRun:
    """Merge every shard's pools per request, apply them, and close the run."""
    by_request: dict[str, list[list[ScoredSupplier]]] = {}
    for result in shard_results:
        for request_id, scored in result.items():
            by_request.setdefault(request_id, []).append(
                [ScoredSupplier.from_dict(s) for s in scored]
            )
    version = engine_version()
    totals = ApplyCounts()
    for request in SourcingRequest.objects.filter(pk__in=[int(r) for r in by_request]):
        merged = merge_shards(by_request[str(request.pk)])
        counts = proposals_apply_match(request=request, result=merged, engine_version=version)
        _propose_consortia(request)
        totals.created += counts.created
        totals.updated += counts.updated
        totals.withdrawn += counts.withdrawn
    for request in SourcingRequest.objects.filter(
        status=SourcingRequest.Status.OPEN, deadline__lte=timezone.now()
    ):
        proposals_close_for_request(request=request)
    MatchRun.objects.filter(pk=run_id).update(
        status=MatchRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        proposals_created=totals.created,
        proposals_updated=totals.updated,
        proposals_withdrawn=totals.withdrawn,
    )
    return MatchRun.objects.get(pk=run_id)


def match_run_fail(*, run_id: int, error: str) -> None:
    MatchRun.objects.filter(pk=run_id).update(
        status=MatchRun.Status.FAILED, finished_at=timezone.now(), error=error[:4000]
    )


# INVITATIONS AND LEARNING
# ------------------------------------------------------------------------------


def proposal_invite_from_search(
    *, request: SourcingRequest, supplier: Organisation, actor: User
) -> Proposal:
    """Invite with the engine's score and explanation attached, as if it had proposed."""
    records = supplier_records([supplier.pk])
    scored = None
    if records and request.is_open:
        scored = score_pair(
            current_index(), request_record(request), records[0], weights=current_weights()
        )
    return proposal_invite(
        request=request,
        supplier=supplier,
        actor=actor,
        scored=scored,
        engine_version=engine_version(),
    )


def _decisions() -> list[Decision]:
    decided = Proposal.objects.exclude(breakdown={}).filter(
        buyer_decision__in=[Proposal.Decision.ACCEPTED, Proposal.Decision.DECLINED]
    )
    return [
        Decision(
            request_id=request_id,
            factors=breakdown,
            accepted=buyer == Proposal.Decision.ACCEPTED,
        )
        for request_id, breakdown, buyer in decided.values_list(
            "request_id", "breakdown", "buyer_decision"
        )
    ]


@transaction.atomic
def weights_learn() -> ScoringWeights | None:
    """Refit the factor weights from buyers' decisions; adopt them only if they rank better."""
    outcome = learn_weights(_decisions(), current_weights())
    if outcome is None:
        return None
    return ScoringWeights.objects.create(
        weights=outcome.weights,
        decisions_used=outcome.decisions_used,
        holdout_ndcg=outcome.holdout_ndcg,
        previous_ndcg=outcome.previous_ndcg,
        adopted=outcome.better,
    )
