"""Refitting the factor weights from people's accept and decline decisions.

A logistic regression over the factor scores of decided proposals gives new
weights; they are kept only if they rank the held-out fifth of the decisions
better (NDCG@10 per request) than the weights in force.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupShuffleSplit, ShuffleSplit
from sklearn.utils.validation import check_is_fitted

from engine.matcher import FACTORS, weighted_score
from engine.metrics import ndcg_at_k
from engine.thresholds import HOLDOUT_SHARE, MIN_DECISIONS, MIN_REQUESTS_TO_HOLD_OUT, NDCG_K


@dataclass(frozen=True)
class Decision:
    request_id: object
    factors: Mapping[str, float]
    accepted: bool


@dataclass
class LearnOutcome:
    weights: dict[str, float]
    holdout_ndcg: float
    previous_ndcg: float
    decisions_used: int

    @property
    def better(self) -> bool:
        return self.holdout_ndcg > self.previous_ndcg


class WeightLearner(BaseEstimator):
    """Factor weights from decisions: non-negative logistic-regression coefficients, summing to 1.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    """

    def __init__(self, *, C: float = 1.0) -> None:  # noqa: N803 - scikit-learn's name
        self.C = C

    def fit(self, X: np.ndarray, y: np.ndarray) -> "WeightLearner":  # noqa: N803
        model = LogisticRegression(C=self.C, max_iter=1000)
        model.fit(np.asarray(X, dtype=float), np.asarray(y, dtype=int))
        coef = np.clip(model.coef_.ravel(), 0, None)
        if coef.sum() == 0:
            coef = np.ones_like(coef)
        self.coef_ = coef / coef.sum()
        return self

    @property
    def weights_(self) -> dict[str, float]:
        check_is_fitted(self, "coef_")
        return {factor: round(float(w), 4) for factor, w in zip(FACTORS, self.coef_, strict=True)}


def _matrix(decisions: Sequence[Decision]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = np.asarray([[d.factors.get(f, 0.0) for f in FACTORS] for d in decisions], dtype=float)
    y = np.asarray([int(d.accepted) for d in decisions])
    groups = np.asarray([str(d.request_id) for d in decisions])
    return X, y, groups


def ranking_ndcg(
    decisions: Sequence[Decision], weights: Mapping[str, float], k: int = NDCG_K
) -> float:
    """Mean NDCG@k over requests of their decided proposals ranked by these weights."""
    by_request: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        by_request[str(d.request_id)].append(d)
    scores = []
    for items in by_request.values():
        if not any(d.accepted for d in items):
            continue
        ranked = sorted(range(len(items)), key=lambda i: -weighted_score(items[i].factors, weights))
        relevance = {i: int(items[i].accepted) for i in range(len(items))}
        scores.append(ndcg_at_k(ranked, relevance, k))
    return float(np.mean(scores)) if scores else 0.0


def learn_weights(
    decisions: Sequence[Decision],
    current: Mapping[str, float],
    *,
    min_decisions: int = MIN_DECISIONS,
    seed: int = 0,
) -> LearnOutcome | None:
    """New weights fitted on 80% of the requests' decisions, judged on the other 20%."""
    if len(decisions) < min_decisions:
        return None
    X, y, groups = _matrix(decisions)
    if len(set(y.tolist())) < 2:
        return None
    if len(set(groups.tolist())) >= MIN_REQUESTS_TO_HOLD_OUT:
        # Hold out whole requests, so the test ranks requests the fit never saw.
        split = GroupShuffleSplit(n_splits=1, test_size=HOLDOUT_SHARE, random_state=seed)
        train, test = next(split.split(X, y, groups))
    else:
        shuffle = ShuffleSplit(n_splits=1, test_size=HOLDOUT_SHARE, random_state=seed)
        train, test = next(shuffle.split(X))
    if len(set(y[train].tolist())) < 2:
        return None
    learner = WeightLearner().fit(X[train], y[train])
    held_out = [decisions[i] for i in test]
    return LearnOutcome(
        weights=learner.weights_,
        holdout_ndcg=ranking_ndcg(held_out, learner.weights_),
        previous_ndcg=ranking_ndcg(held_out, current),
        decisions_used=len(decisions),
    )
