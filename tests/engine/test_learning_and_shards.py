import random

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from engine import SupplierIndex
from engine.learning import Decision, WeightLearner, learn_weights, ranking_ndcg
from engine.matcher import (
    DEFAULT_WEIGHTS,
    FACTORS,
    match_request,
    merge_shards,
    shard_candidates,
)
from engine.records import ProductLineRecord, RequestRecord, SupplierRecord
from tests.engine.conftest import TODAY


def decisions(n: int, *, signal: str, seed: int = 1) -> list[Decision]:
    """People accept when one factor is high, whatever the others say."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        factors = {f: rng.random() for f in FACTORS}
        out.append(Decision(request_id=i // 10, factors=factors, accepted=factors[signal] > 0.6))
    return out


def test_too_few_decisions_learn_nothing():
    assert learn_weights(decisions(199, signal="hs"), DEFAULT_WEIGHTS) is None


def test_weights_learnt_from_decisions_favour_what_people_accept():
    outcome = learn_weights(decisions(400, signal="bridge"), DEFAULT_WEIGHTS)
    assert outcome is not None
    assert max(outcome.weights, key=outcome.weights.get) == "bridge"
    assert outcome.better
    assert outcome.holdout_ndcg > outcome.previous_ndcg


def test_weights_that_rank_worse_are_reported_as_not_better():
    held = decisions(400, signal="text")
    perfect = {f: (1.0 if f == "text" else 0.0) for f in FACTORS}
    outcome = learn_weights(held, perfect)
    assert outcome is not None
    assert not outcome.better  # nothing beats ranking by the very factor people used
    assert ranking_ndcg(held, perfect) == pytest.approx(1.0)


def test_learner_follows_estimator_conventions():
    learner = WeightLearner(C=0.5)
    assert clone(learner).get_params() == {"C": 0.5}
    with pytest.raises(NotFittedError):
        _ = learner.weights_


def test_merging_shards_equals_the_unsharded_result(taxonomy):
    rng = random.Random(3)
    words = "cotton knitted shirts jersey wool polo dyed printed organic yarn socks".split()
    records = [
        SupplierRecord(
            id=f"s{i}",
            name=f"Firm {i}",
            description=" ".join(rng.choices(words, k=8)),
            country=rng.choice(["VN", "TH", "BD"]),
            hs_codes=[rng.choice(["610910", "610990", "611020", "940360"])],
            product_lines=[ProductLineRecord("610910", rng.choice([1000, 20000]), "pieces")],
        )
        for i in range(300)
    ]
    index = SupplierIndex(taxonomy=taxonomy).fit(records)
    by_id = {r.id: r for r in records}

    def load(ids):
        return {i: by_id[i] for i in ids}

    request = RequestRecord(
        id="r",
        title="organic cotton knitted polo shirts",
        hs_codes=["6109"],
        countries=["VN", "TH"],
        volume=5000,
        unit="pieces",
        today=TODAY,
    )
    whole = match_request(index, request, load, pool=40)
    shards = [shard_candidates(index, request, load, shard=(i, 3), pool=40) for i in range(3)]
    merged = merge_shards(shards, pool=40)
    assert [(p.supplier_id, p.score) for p in merged.proposals] == [
        (p.supplier_id, p.score) for p in whole.proposals
    ]
    assert [n.supplier_id for n in merged.near_misses] == [n.supplier_id for n in whole.near_misses]
    assert len(whole.proposals) >= 10
