"""The benchmark file format (see DESIGN.md) and the two rankers compared on it."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from engine.index import SupplierIndex
from engine.matcher import match_request
from engine.records import (
    CertificationRecord,
    CodeTaxonomy,
    RequestRecord,
    SupplierRecord,
)

FAR_FUTURE = 10**6  # certificates in a benchmark file have no dates: treat them as valid


@dataclass
class BenchmarkSet:
    suppliers: list[SupplierRecord]
    requests: list[RequestRecord]
    qrels: dict[str, dict[str, int]]


def _codes(raw: Any) -> list[str]:
    return ["".join(ch for ch in str(c) if ch.isalnum()).upper() for c in raw or []]


def load_benchmark(path: Path | str) -> BenchmarkSet:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    suppliers = [
        SupplierRecord(
            id=str(s["id"]),
            name=s.get("name", ""),
            description=s.get("description", "") or "",
            country=(s.get("country") or "").upper(),
            hs_codes=_codes(s.get("hs_codes")),
            isic_codes=_codes(s.get("isic_codes")),
            certifications=[
                CertificationRecord(name, name, FAR_FUTURE)
                for name in s.get("certifications") or []
            ],
            capacity=s.get("capacity"),
            capacity_unit=s.get("unit", "") or "",
            verified=True,
        )
        for s in data.get("suppliers", [])
    ]
    requests = [
        RequestRecord(
            id=str(r["id"]),
            title=r.get("title", ""),
            description=r.get("description", "") or "",
            hs_codes=_codes(r.get("hs_codes")),
            isic_codes=_codes(r.get("isic_codes")),
            required_certifications=list(r.get("required_certifications") or []),
            countries=[c.upper() for c in r.get("countries") or []],
            volume=r.get("volume"),
            unit=(r.get("unit") or "pieces") if r.get("volume") else "",
            today=0,
        )
        for r in data.get("requests", [])
    ]
    qrels = {
        str(q): {str(s): int(g) for s, g in grades.items()}
        for q, grades in (data.get("qrels") or {}).items()
    }
    return BenchmarkSet(suppliers, requests, qrels)


def rank_with_engine(
    bench: BenchmarkSet,
    taxonomy: CodeTaxonomy,
    *,
    weights: Mapping[str, float] | None = None,
    k: int = 10,
) -> dict[Any, list[Any]]:
    """The engine's ranking: suppliers that meet the request, then the near-misses."""
    index = SupplierIndex(taxonomy=taxonomy).fit(bench.suppliers)
    by_id = {s.id: s for s in bench.suppliers}

    def load(ids):
        return {i: by_id[i] for i in ids if i in by_id}

    rankings: dict[Any, list[Any]] = {}
    for request in bench.requests:
        result = match_request(
            index, request, load, weights=weights, top_k=k, min_score=0.0, near_miss_min_score=0.0
        )
        ranked = [p.supplier_id for p in result.proposals] + [
            n.supplier_id for n in result.near_misses
        ]
        rankings[request.id] = ranked[:k]
    return rankings


def rank_with_word_tfidf(bench: BenchmarkSet, *, k: int = 10) -> dict[Any, list[Any]]:
    """The baseline: plain word TF-IDF of names and descriptions, cosine, no codes."""
    vectorizer = TfidfVectorizer(sublinear_tf=True)
    matrix = vectorizer.fit_transform([f"{s.name} {s.description}" for s in bench.suppliers])
    ids = np.asarray([s.id for s in bench.suppliers], dtype=object)
    queries = vectorizer.transform([r.text for r in bench.requests])
    scores = (queries @ matrix.T).toarray()
    rankings: dict[Any, list[Any]] = {}
    for row, request in enumerate(bench.requests):
        best = np.argsort(-scores[row], kind="stable")[:k]
        rankings[request.id] = [ids[i] for i in best if scores[row, i] > 0]
    return rankings
