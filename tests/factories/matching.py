"""Factories of the matching app.

A sourcing request is drafted and opened by a buyer's user through the services,
as the pages do; the match job its opening queues runs only if the test runs the
on-commit callbacks. Proposals, near-misses and the matcher's bookkeeping are
plain rows: the matcher writes them from the engine's scores, which a test states.
"""

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from matching import services
from matching.models import (
    EngineIndexVersion,
    MatchRun,
    NearMiss,
    Proposal,
    SavedSearch,
    SavedSearchHit,
    ScoringWeights,
    SourcingRequest,
)
from tests.factories.companies import BuyerUserFactory, SupplierFactory

FACTORS = ("text", "chars", "hs", "isic", "bridge")


class SourcingRequestFactory(factory.django.DjangoModelFactory[SourcingRequest]):
    """A buyer's request for T-shirts (HS 6109), due in 30 days, opened unless
    ``opened=False``. Any argument of ``request_create`` may be given."""

    class Meta:
        model = SourcingRequest

    created_by = factory.SubFactory(BuyerUserFactory)
    title = factory.Sequence(lambda n: f"Request {n}")
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    hs_codes = factory.LazyFunction(lambda: ["6109"])
    visibility = SourcingRequest.Visibility.PUBLIC
    opened = True

    @classmethod
    def _create(
        cls, model_class: type[SourcingRequest], *args: Any, **kwargs: Any
    ) -> SourcingRequest:
        opened = kwargs.pop("opened")
        actor = kwargs.pop("created_by")
        request = services.request_create(actor=actor, **kwargs)
        if opened:
            request = services.request_open(request=request, actor=actor)
        return request


class ProposalFactory(factory.django.DjangoModelFactory[Proposal]):
    """A pending proposal of a supplier for an open request; ``explained=True`` gives it
    the score, rank, factors and explanation a match writes."""

    class Meta:
        model = Proposal

    request = factory.SubFactory(SourcingRequestFactory)
    supplier = factory.SubFactory(SupplierFactory)

    class Params:
        explained = factory.Trait(
            score=0.82,
            rank=1,
            breakdown=factory.LazyFunction(
                lambda: {"text": 0.6, "chars": 0.4, "hs": 1.0, "isic": 0.0, "bridge": 0.5}
            ),
            explanation=factory.LazyFunction(
                lambda: ["Makes HS 610910 T-shirts, singlets and other vests, knitted"]
            ),
            engine_version="i1-w0",
        )


class NearMissFactory(factory.django.DjangoModelFactory[NearMiss]):
    """A supplier that nearly fits a request but lacks ISO 13485."""

    class Meta:
        model = NearMiss

    request = factory.SubFactory(SourcingRequestFactory)
    supplier = factory.SubFactory(SupplierFactory)
    score = 0.5
    reasons = factory.LazyFunction(lambda: ["lacks ISO 13485"])
    missing_certifications = factory.LazyFunction(lambda: ["iso-13485"])
    engine_version = "i1-w0"


class SavedSearchFactory(factory.django.DjangoModelFactory[SavedSearch]):
    """A buyer's saved supplier search; ``saved_search_create`` checks what a person
    types, this writes the row as it is kept."""

    class Meta:
        model = SavedSearch

    user = factory.SubFactory(BuyerUserFactory)
    name = factory.Sequence(lambda n: f"Search {n}")
    query = "cotton t-shirts"
    filters = factory.LazyFunction(dict)
    notify_email = True


class SavedSearchHitFactory(factory.django.DjangoModelFactory[SavedSearchHit]):
    class Meta:
        model = SavedSearchHit

    saved_search = factory.SubFactory(SavedSearchFactory)
    supplier = factory.SubFactory(SupplierFactory)


class EngineIndexVersionFactory(factory.django.DjangoModelFactory[EngineIndexVersion]):
    """The record of a full index build; no artifact is written, so nothing can load it."""

    class Meta:
        model = EngineIndexVersion

    kind = EngineIndexVersion.Kind.FULL
    base = None
    artifact = factory.Sequence(lambda n: f"engine-index/test-{n}.npz")
    supplier_count = 0
    size_bytes = 0


class MatchRunFactory(factory.django.DjangoModelFactory[MatchRun]):
    """A full match run waiting in the queue."""

    class Meta:
        model = MatchRun

    scope = MatchRun.Scope.FULL
    started_by = None
    trigger = "schedule"
    status = MatchRun.Status.QUEUED


class ScoringWeightsFactory(factory.django.DjangoModelFactory[ScoringWeights]):
    class Meta:
        model = ScoringWeights

    weights = factory.LazyFunction(lambda: dict.fromkeys(FACTORS, 0.2))
    decisions_used = 200
    holdout_ndcg = 0.8
    previous_ndcg = 0.7
    adopted = True
