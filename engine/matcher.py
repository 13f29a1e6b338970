"""Ranking suppliers for a request: candidates, factors, constraints, explanations.

Stage one takes the best few hundred suppliers by word TF-IDF and code overlap
from the inverted index. Stage two scores each candidate on every factor (words,
character n-grams, HS and ISIC codes with credit up their hierarchies, and the
HS→ISIC concordance), checks the hard constraints (certifications, countries,
volume against capacity), and keeps those that fail as near-misses with the
reason. The score is a weighted sum of factors; the weights can be refitted from
people's decisions (``engine.learning``).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine import chars
from engine.index import SupplierIndex
from engine.records import CodeTaxonomy, RequestRecord, SupplierRecord
from engine.thresholds import (
    CANDIDATE_POOL,
    CHAR_TEXT_LIMIT,
    CODE_BOOST,
    DEFAULT_WEIGHTS,
    EXPLAINED_BRIDGE_CODES,
    EXPLAINED_WORDS,
    HS_CREDIT,
    HS_OTHER_LEVEL_CREDIT,
    ISIC_CREDIT,
    ISIC_EXPLAINED_MIN_CREDIT,
    MIN_SCORE,
    NEAR_MISS_MIN_SCORE,
    TOP_K,
)

FACTORS: tuple[str, ...] = ("text", "chars", "hs", "isic", "bridge")
FACTOR_LABELS = {
    "text": "words in common",
    "chars": "similar wording",
    "hs": "HS products",
    "isic": "ISIC activities",
    "bridge": "products that make the activity",
}


@dataclass
class ScoredSupplier:
    supplier_id: Any
    score: float
    factors: dict[str, float]
    passes: bool
    near_miss_reasons: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    matched_words: list[str] = field(default_factory=list)
    key: float = 0.0  # stage-one key, used to merge shards exactly

    def as_dict(self) -> dict[str, Any]:
        return {
            "supplier_id": self.supplier_id,
            "score": self.score,
            "factors": self.factors,
            "passes": self.passes,
            "near_miss_reasons": self.near_miss_reasons,
            "explanation": self.explanation,
            "matched_words": self.matched_words,
            "key": self.key,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ScoredSupplier":
        return cls(**data)


@dataclass
class MatchResult:
    proposals: list[ScoredSupplier]
    near_misses: list[ScoredSupplier]


def _hs_credit(requested: str, offered: str) -> float:
    if offered.startswith(requested):
        return 1.0  # the supplier makes exactly this, or something under it
    if requested.startswith(offered):
        return HS_CREDIT.get(len(offered), HS_OTHER_LEVEL_CREDIT)  # a broader code
    for level in (4, 2):
        if len(requested) >= level and requested[:level] == offered[:level]:
            return HS_CREDIT[level]
    return 0.0


def hs_factor(requested: Sequence[str], offered: Sequence[str]) -> tuple[float, list[str]]:
    """Mean over requested codes of the best credit any offered code earns; and the pairs."""
    if not requested or not offered:
        return 0.0, []
    total, pairs = 0.0, []
    for code in requested:
        best, best_code = 0.0, ""
        for other in offered:
            credit = _hs_credit(code, other)
            if credit > best:
                best, best_code = credit, other
        total += best
        if best:
            pairs.append(best_code)
    return total / len(requested), pairs


def isic_factor(
    requested: Sequence[str], offered: Sequence[str], taxonomy: CodeTaxonomy
) -> tuple[float, list[str]]:
    if not requested or not offered:
        return 0.0, []
    offered_levels = {code: set(taxonomy.isic_levels(code)) for code in offered}
    total, found = 0.0, []
    for code in requested:
        best, best_code = 0.0, ""
        for other, levels in offered_levels.items():
            if other.startswith(code) or code == other:
                credit = 1.0
            else:
                shared = [lvl for lvl in taxonomy.isic_levels(code) if lvl in levels]
                credit = (
                    ISIC_CREDIT.get(max((len(s) if s.isdigit() else 1) for s in shared), 0)
                    if shared
                    else 0.0
                )
            if credit > best:
                best, best_code = credit, other
        total += best
        if best >= ISIC_EXPLAINED_MIN_CREDIT:
            found.append(best_code)
    return total / len(requested), found


def wanted_activities(request: RequestRecord, taxonomy: CodeTaxonomy) -> set[str]:
    """ISIC classes the request asks for, named or implied by its HS products."""
    wanted = {c for c in request.isic_codes if len(c) == 4}
    for code in request.isic_codes:
        if len(code) < 4:
            wanted.update(
                cls
                for cls in taxonomy.isic_titles
                if len(cls) == 4 and code in taxonomy.isic_levels(cls)
            )
    for code in request.hs_codes:
        wanted.update(taxonomy.isic_of_hs(code))
    return wanted


def bridge_factor(
    wanted: set[str], record: SupplierRecord, taxonomy: CodeTaxonomy
) -> tuple[float, list[str]]:
    """Share of the supplier's HS products that the concordance maps to a wanted activity."""
    products = list(
        dict.fromkeys(list(record.hs_codes) + [p.hs_code for p in record.product_lines])
    )
    if not wanted:
        return 0.0, []
    declared = 1.0 if wanted.intersection(record.isic_codes) else 0.0
    if not products:
        return declared, []
    hits = [code for code in products if wanted.intersection(taxonomy.isic_of_hs(code))]
    return max(len(hits) / len(products), declared), hits


def _capacity_for(request: RequestRecord, record: SupplierRecord) -> tuple[float | None, set[str]]:
    """Monthly capacity in the request's unit for the requested products; and other units seen."""
    lines = list(record.product_lines)
    if not lines and record.capacity is not None:
        unit = record.capacity_unit or request.unit or "pieces"
        return (record.capacity if unit == request.unit else None), {unit}
    relevant = [
        line
        for line in lines
        if not request.hs_codes
        or any(line.hs_code.startswith(c) or c.startswith(line.hs_code) for c in request.hs_codes)
    ] or lines
    same_unit = [line.capacity for line in relevant if line.unit == request.unit]
    units = {line.unit for line in relevant}
    return (sum(same_unit) if same_unit else None), units


def constraint_failures(request: RequestRecord, record: SupplierRecord) -> list[str]:
    """Why a supplier cannot take this request, in words; empty when it can."""
    reasons = []
    held = {c.scheme: c for c in record.certifications}
    for scheme in request.required_certifications:
        name = request.certification_names.get(scheme, scheme)
        cert = held.get(scheme)
        if cert is None:
            reasons.append(f"lacks {name}")
        elif cert.valid_until < request.today:
            reasons.append(f"{name} has expired")
    if request.countries and record.country not in set(request.countries):
        reasons.append(f"outside the wanted countries ({record.country or 'country not given'})")
    if request.volume and request.unit:
        capacity, units = _capacity_for(request, record)
        if capacity is None and units:
            reasons.append(f"unit differs ({', '.join(sorted(units))}, not {request.unit})")
        elif capacity is not None and capacity < request.volume:
            reasons.append(
                f"capacity {capacity:,.0f} < {request.volume:,.0f} {request.unit} a month"
            )
    return reasons


def _explain(
    request: RequestRecord,
    record: SupplierRecord,
    factors: dict[str, float],
    words: list[str],
    hs_pairs: list[str],
    isic_found: list[str],
    bridge_hits: list[str],
    taxonomy: CodeTaxonomy,
) -> list[str]:
    lines = []
    for code in dict.fromkeys(hs_pairs):
        lines.append(f"Makes HS {code} {taxonomy.hs_titles.get(code, '')}".rstrip())
    for code in dict.fromkeys(isic_found):
        lines.append(f"Works in ISIC {code} {taxonomy.isic_titles.get(code, '')}".rstrip())
    if bridge_hits and factors["bridge"] > 0 and not hs_pairs:
        shown = ", ".join(f"HS {c}" for c in bridge_hits[:EXPLAINED_BRIDGE_CODES])
        lines.append(f"{shown} made under the requested activities")
    if words:
        lines.append("Words in common: " + ", ".join(words[:EXPLAINED_WORDS]))
    held = {c.scheme: c for c in record.certifications}
    for scheme in request.required_certifications:
        cert = held.get(scheme)
        if cert is not None and cert.valid_until >= request.today:
            lines.append(f"{request.certification_names.get(scheme, scheme)} held")
    if request.countries and record.country in set(request.countries):
        lines.append(f"Located in {record.country}, a wanted country")
    if request.volume and request.unit:
        capacity, _ = _capacity_for(request, record)
        if capacity is not None and capacity >= request.volume:
            lines.append(
                f"Capacity {capacity:,.0f} {request.unit} a month covers {request.volume:,.0f}"
            )
    return lines


def weighted_score(factors: Mapping[str, float], weights: Mapping[str, float]) -> float:
    total_weight = sum(weights.get(f, 0.0) for f in FACTORS) or 1.0
    return sum(weights.get(f, 0.0) * factors.get(f, 0.0) for f in FACTORS) / total_weight


def score_candidates(
    index: SupplierIndex,
    request: RequestRecord,
    records: Mapping[Any, SupplierRecord],
    *,
    word_scores: Mapping[Any, float],
    weights: Mapping[str, float] | None = None,
    explain: bool = True,
) -> list[ScoredSupplier]:
    """Every factor and the constraints for each candidate record; with ``explain``, the
    sentences too (``explain_scored`` adds them later to just the ones kept)."""
    weights = weights or DEFAULT_WEIGHTS
    taxonomy = index.taxonomy or CodeTaxonomy()
    ids = list(records)
    char_sims = chars.similarities(
        request.text[:CHAR_TEXT_LIMIT],
        [chars.char_document(records[i]) for i in ids],
        index.char_idf_,
    )
    wanted = wanted_activities(request, taxonomy)
    scored = []
    for position, supplier_id in enumerate(ids):
        record = records[supplier_id]
        offered_hs = list(record.hs_codes) + [p.hs_code for p in record.product_lines]
        offered_isic = list(dict.fromkeys(list(record.isic_codes)))
        hs, hs_pairs = hs_factor(request.hs_codes, offered_hs)
        isic, isic_found = isic_factor(request.isic_codes, offered_isic, taxonomy)
        bridge, bridge_hits = bridge_factor(wanted, record, taxonomy)
        factors = {
            "text": float(word_scores.get(supplier_id, 0.0)),
            "chars": float(char_sims[position]),
            "hs": hs,
            "isic": isic,
            "bridge": bridge,
        }
        factors = {k: round(v, 4) for k, v in factors.items()}
        reasons = constraint_failures(request, record)
        item = ScoredSupplier(
            supplier_id=supplier_id,
            score=round(weighted_score(factors, weights), 4),
            factors=factors,
            passes=not reasons,
            near_miss_reasons=reasons,
        )
        if explain:
            item.matched_words = index.matched_words(request.text, supplier_id)
            item.explanation = _explain(
                request,
                record,
                factors,
                item.matched_words,
                hs_pairs,
                isic_found,
                bridge_hits,
                taxonomy,
            )
        scored.append(item)
    return scored


def explain_scored(
    index: SupplierIndex,
    request: RequestRecord,
    scored: list[ScoredSupplier],
    records: Mapping[Any, SupplierRecord],
) -> None:
    """Write the sentences a person reads onto already scored suppliers."""
    taxonomy = index.taxonomy or CodeTaxonomy()
    wanted = wanted_activities(request, taxonomy)
    for item in scored:
        record = records[item.supplier_id]
        offered_hs = list(record.hs_codes) + [p.hs_code for p in record.product_lines]
        _, hs_pairs = hs_factor(request.hs_codes, offered_hs)
        _, isic_found = isic_factor(
            request.isic_codes, list(dict.fromkeys(record.isic_codes)), taxonomy
        )
        _, bridge_hits = bridge_factor(wanted, record, taxonomy)
        item.matched_words = index.matched_words(request.text, item.supplier_id)
        item.explanation = _explain(
            request,
            record,
            item.factors,
            item.matched_words,
            hs_pairs,
            isic_found,
            bridge_hits,
            taxonomy,
        )


@dataclass(frozen=True)
class Candidate:
    """A stage-one candidate: its first-stage key orders the pool, the word score is a factor."""

    supplier_id: Any
    key: float
    word_score: float


def _pool_order(candidate: Candidate) -> tuple[float, str]:
    return (-candidate.key, str(candidate.supplier_id))


def candidate_pool(
    index: SupplierIndex,
    request: RequestRecord,
    *,
    pool: int = CANDIDATE_POOL,
    shard: tuple[int, int] | None = None,
) -> list[Candidate]:
    """Stage one: the best ``pool`` suppliers by word cosine plus a boost for shared codes.

    With ``shard=(i, n)`` only rows ``i, i + n, i + 2n, ...`` of each segment take part;
    the union of every shard's pool holds the whole pool, so merging is exact.
    """
    taxonomy = index.taxonomy or CodeTaxonomy()
    qvec = index.query_vector(request.text)
    isic_wanted = list(request.isic_codes) + sorted(wanted_activities(request, taxonomy))
    found: list[Candidate] = []
    for segment in index.segments():
        alive = segment.alive & segment.listed
        if shard is not None:
            in_shard = np.zeros(segment.size, dtype=bool)
            in_shard[shard[0] :: shard[1]] = True
            alive &= in_shard
        text = index.text_scores(segment, qvec)
        code = np.zeros(segment.size, dtype=np.float32)
        if request.hs_codes:
            code += index.code_rows(segment, "hs", request.hs_codes)
        if isic_wanted:
            code += index.code_rows(segment, "isic", isic_wanted)
        key = np.where(alive, text + CODE_BOOST * np.minimum(code, 1.0), 0.0)
        rows = np.flatnonzero(key > 0)
        if len(rows) > pool:
            # Generous cut: ties at the boundary are settled by the exact order below.
            cut = np.partition(-key[rows], pool - 1)[pool - 1]
            rows = rows[-key[rows] <= cut]
        # .tolist() gives plain Python ids: results cross process boundaries as JSON.
        found.extend(
            Candidate(supplier_id, float(key[row]), float(text[row]))
            for row, supplier_id in zip(rows.tolist(), segment.ids[rows].tolist(), strict=True)
        )
    found.sort(key=_pool_order)
    return found[:pool]


def select(
    scored: list[ScoredSupplier],
    *,
    top_k: int = TOP_K,
    min_score: float = MIN_SCORE,
    near_miss_min_score: float = NEAR_MISS_MIN_SCORE,
) -> MatchResult:
    kept = sorted(
        (s for s in scored if s.score >= min_score), key=lambda s: (-s.score, str(s.supplier_id))
    )
    return MatchResult(
        proposals=[s for s in kept if s.passes][:top_k],
        near_misses=[s for s in kept if not s.passes and s.score >= near_miss_min_score][:top_k],
    )


def score_pool(
    index: SupplierIndex,
    request: RequestRecord,
    candidates: list[Candidate],
    load_records: Callable[[list[Any]], Mapping[Any, SupplierRecord]],
    *,
    weights: Mapping[str, float] | None = None,
    explain: bool = True,
) -> list[ScoredSupplier]:
    ids = [c.supplier_id for c in candidates]
    records = load_records(ids)
    scored = score_candidates(
        index,
        request,
        {i: records[i] for i in ids if i in records},
        word_scores={c.supplier_id: c.word_score for c in candidates},
        weights=weights,
        explain=explain,
    )
    keys = {c.supplier_id: c.key for c in candidates}
    for s in scored:
        s.key = keys[s.supplier_id]
    return scored


def match_request(
    index: SupplierIndex,
    request: RequestRecord,
    load_records: Callable[[list[Any]], Mapping[Any, SupplierRecord]],
    *,
    weights: Mapping[str, float] | None = None,
    top_k: int = TOP_K,
    pool: int = CANDIDATE_POOL,
    min_score: float = MIN_SCORE,
    near_miss_min_score: float = NEAR_MISS_MIN_SCORE,
    shard: tuple[int, int] | None = None,
) -> MatchResult:
    """The top-k suppliers that meet the request, and near-misses that fail a constraint."""
    candidates = candidate_pool(index, request, pool=pool, shard=shard)
    scored = score_pool(index, request, candidates, load_records, weights=weights, explain=False)
    result = select(
        scored, top_k=top_k, min_score=min_score, near_miss_min_score=near_miss_min_score
    )
    kept = result.proposals + result.near_misses
    explain_scored(index, request, kept, load_records([s.supplier_id for s in kept]))
    return result


def shard_candidates(
    index: SupplierIndex,
    request: RequestRecord,
    load_records: Callable[[list[Any]], Mapping[Any, SupplierRecord]],
    *,
    shard: tuple[int, int],
    weights: Mapping[str, float] | None = None,
    pool: int = CANDIDATE_POOL,
) -> list[ScoredSupplier]:
    """One shard's scored pool, to be merged with the others by ``merge_shards``."""
    candidates = candidate_pool(index, request, pool=pool, shard=shard)
    return score_pool(index, request, candidates, load_records, weights=weights)


def merge_shards(
    shard_results: list[list[ScoredSupplier]],
    *,
    top_k: int = TOP_K,
    pool: int = CANDIDATE_POOL,
    min_score: float = MIN_SCORE,
) -> MatchResult:
    """The same result as an unsharded ``match_request``: pool cut first, then top-k."""
    merged = [s for result in shard_results for s in result]
    merged.sort(key=lambda s: (-s.key, str(s.supplier_id)))
    return select(merged[:pool], top_k=top_k, min_score=min_score)


def score_pair(
    index: SupplierIndex,
    request: RequestRecord,
    record: SupplierRecord,
    *,
    weights: Mapping[str, float] | None = None,
) -> ScoredSupplier:
    """One request against one supplier, as ``match_request`` would score it."""
    word = index.word_score(index.query_vector(request.text), record.id)
    return score_candidates(
        index, request, {record.id: record}, word_scores={record.id: word}, weights=weights
    )[0]
