"""Ranking quality: NDCG@k, Recall@k and MRR over graded relevance judgements."""

from collections.abc import Mapping, Sequence

import numpy as np


def dcg(gains: Sequence[float]) -> float:
    return float(sum((2**g - 1) / np.log2(i + 2) for i, g in enumerate(gains)))


def ndcg_at_k(ranked: Sequence, relevance: Mapping, k: int = 10) -> float:
    ideal = dcg(sorted(relevance.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([relevance.get(item, 0) for item in ranked[:k]]) / ideal


def recall_at_k(ranked: Sequence, relevance: Mapping, k: int = 10) -> float:
    relevant = {item for item, grade in relevance.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence, relevance: Mapping) -> float:
    for position, item in enumerate(ranked, start=1):
        if relevance.get(item, 0) > 0:
            return 1.0 / position
    return 0.0


def evaluate(rankings: Mapping, qrels: Mapping, k: int = 10) -> dict[str, float]:
    """Mean metrics over the queries that have judgements."""
    queries = [q for q in qrels if any(g > 0 for g in qrels[q].values())]
    if not queries:
        return {"ndcg@10": 0.0, "recall@10": 0.0, "mrr": 0.0, "queries": 0}
    return {
        "ndcg@10": float(np.mean([ndcg_at_k(rankings.get(q, []), qrels[q], k) for q in queries])),
        "recall@10": float(
            np.mean([recall_at_k(rankings.get(q, []), qrels[q], k) for q in queries])
        ),
        "mrr": float(np.mean([reciprocal_rank(rankings.get(q, []), qrels[q]) for q in queries])),
        "queries": len(queries),
    }
