"""Consortia: the smallest sets of cluster members that answer a request together.

Plain Python, no Django: the service hands in the request's need and the
candidate members of ONE cluster (their match score, product lines and the
certifications they hold and that are still valid), and gets back ranked sets.

What a set must do:

- Pooled capacity: the members' monthly capacity for the requested products,
  in the request's unit only (a line in another unit counts for nothing),
  reaches the requested volume.
- Products: every requested HS code is made by at least one member of the set.
- Certifications: a request's required certifications apply to everything it
  buys, and every member supplies a part of it; so every member of the set must
  hold every required certification (the strict reading of "each member holding
  those for the part it supplies"). A member lacking one is never a candidate,
  so when no member holds them all, no consortium can help either.

Order: fewest members first, then the highest total match score, then ids (so
the result is stable). Only sets of ``CONSORTIUM_MIN_MEMBERS`` to
``CONSORTIUM_MAX_MEMBERS`` count (``engine.thresholds``): a single member that
meets the need is proposed alone by the matcher.

The search never walks every subset of a big cluster. It keeps at most
``CONSORTIUM_MAX_CANDIDATES`` members (the strongest by capacity and by score), tries sizes
in increasing order, skips a size whose largest capacities cannot reach the
volume, and within a size runs a depth-first branch and bound over members
sorted by capacity: a branch is cut when even the largest remaining capacities
cannot reach the volume, when the products left uncovered cannot be covered by
the members left, or when even the best remaining scores cannot beat the sets
already kept. ``CONSORTIUM_MAX_NODES`` caps the work per search.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.records import ProductLineRecord
from engine.thresholds import (
    CONSORTIUM_MAX_CANDIDATES,
    CONSORTIUM_MAX_MEMBERS,
    CONSORTIUM_MAX_NODES,
    CONSORTIUM_MIN_MEMBERS,
    CONSORTIUM_OPTIONS,
)


@dataclass(frozen=True)
class ConsortiumNeed:
    """What a request asks for, as the search sees it."""

    volume: float
    unit: str
    hs_codes: Sequence[str] = ()
    required_certifications: Sequence[str] = ()  # catalogue codes, all required


@dataclass(frozen=True)
class MemberCandidate:
    """A member of the cluster: its match score for the request and what it can do.

    ``certifications`` holds the catalogue codes of certificates that are held and
    still valid; the caller drops expired and rejected ones.
    """

    id: Any
    score: float
    product_lines: Sequence[ProductLineRecord] = ()
    certifications: frozenset[str] = frozenset()


@dataclass
class MemberPart:
    """The part one member takes: the requested products it makes and its capacity."""

    id: Any
    score: float
    capacity: float
    hs_codes: list[str]
    capacity_by_product: dict[str, float] = field(default_factory=dict)
    missing_certifications: list[str] = field(default_factory=list)


@dataclass
class ConsortiumOption:
    """A set of members, with the figures that show whether it meets the request."""

    members: list[MemberPart]
    volume: float
    unit: str
    pooled_capacity: float
    capacity_by_product: dict[str, float]
    certifications_covered: list[str]
    missing_certifications: list[str]
    missing_products: list[str]

    @property
    def member_ids(self) -> list[Any]:
        return [m.id for m in self.members]

    @property
    def total_score(self) -> float:
        return round(sum(m.score for m in self.members), 4)

    @property
    def shortfall(self) -> float:
        return max(0.0, self.volume - self.pooled_capacity)

    @property
    def meets(self) -> bool:
        return (
            self.pooled_capacity >= self.volume
            and not self.missing_certifications
            and not self.missing_products
        )


def _relevant(line_code: str, requested: str) -> bool:
    return line_code.startswith(requested) or requested.startswith(line_code)


def member_part(need: ConsortiumNeed, candidate: MemberCandidate) -> MemberPart:
    """The requested products a member makes, in the request's unit, and its capacity.

    Each product line counts once, even when it falls under two requested codes.
    With no requested HS code, every line in the request's unit counts.
    """
    capacity = 0.0
    by_product: dict[str, float] = {}
    for line in candidate.product_lines:
        if line.unit != need.unit or line.capacity <= 0:
            continue
        matched = [c for c in need.hs_codes if _relevant(line.hs_code, c)]
        if need.hs_codes and not matched:
            continue
        capacity += float(line.capacity)
        for code in matched:
            by_product[code] = by_product.get(code, 0.0) + float(line.capacity)
    missing = [c for c in need.required_certifications if c not in candidate.certifications]
    return MemberPart(
        id=candidate.id,
        score=float(candidate.score),
        capacity=capacity,
        hs_codes=list(by_product),
        capacity_by_product=by_product,
        missing_certifications=missing,
    )


def evaluate(need: ConsortiumNeed, candidates: Iterable[MemberCandidate]) -> ConsortiumOption:
    """The figures of a given set: pooled capacity, products and certifications covered.

    Used for a set a person chose, so it says what is missing rather than refusing.
    """
    parts = [member_part(need, c) for c in candidates]
    return _option(need, parts)


def _option(need: ConsortiumNeed, parts: list[MemberPart]) -> ConsortiumOption:
    by_product = {code: 0.0 for code in need.hs_codes}
    for part in parts:
        for code, capacity in part.capacity_by_product.items():
            by_product[code] += capacity
    missing_certs = sorted({c for part in parts for c in part.missing_certifications})
    covered = [c for c in need.required_certifications if c not in missing_certs] if parts else []
    made = {code for part in parts for code in part.hs_codes}
    return ConsortiumOption(
        members=parts,
        volume=float(need.volume),
        unit=need.unit,
        pooled_capacity=sum(p.capacity for p in parts),
        capacity_by_product={k: round(v, 2) for k, v in by_product.items()},
        certifications_covered=covered,
        missing_certifications=missing_certs,
        missing_products=[c for c in need.hs_codes if c not in made],
    )


def eligible_parts(need: ConsortiumNeed, candidates: Iterable[MemberCandidate]) -> list[MemberPart]:
    """Members that may take part: every required certification held, some capacity."""
    parts = [member_part(need, c) for c in candidates]
    return [p for p in parts if p.capacity > 0 and not p.missing_certifications]


def single_member_meets(need: ConsortiumNeed, candidates: Iterable[MemberCandidate]) -> bool:
    """Whether one eligible member alone meets the volume and makes every product."""
    wanted = set(need.hs_codes)
    return any(
        p.capacity >= need.volume and wanted.issubset(p.hs_codes)
        for p in eligible_parts(need, candidates)
    )


def _shortlist(parts: list[MemberPart], limit: int) -> list[MemberPart]:
    if len(parts) <= limit:
        return parts
    by_capacity = sorted(parts, key=lambda p: (-p.capacity, -p.score, str(p.id)))
    by_score = sorted(parts, key=lambda p: (-p.score, -p.capacity, str(p.id)))
    kept: dict[str, MemberPart] = {}
    for part in [*by_capacity[: limit // 2], *by_score]:
        if len(kept) >= limit:
            break
        kept.setdefault(str(part.id), part)
    return list(kept.values())


def find_consortia(
    need: ConsortiumNeed,
    candidates: Iterable[MemberCandidate],
    *,
    limit: int = CONSORTIUM_OPTIONS,
    min_members: int = CONSORTIUM_MIN_MEMBERS,
    max_members: int = CONSORTIUM_MAX_MEMBERS,
    max_candidates: int = CONSORTIUM_MAX_CANDIDATES,
    max_nodes: int = CONSORTIUM_MAX_NODES,
) -> list[ConsortiumOption]:
    """The best sets of ``min_members`` to ``max_members`` that meet the need.

    All returned sets have the smallest size at which any set meets the need;
    within it, the highest total score first. Empty when none does, when the
    need has no volume or unit, or when a single member already meets it.
    """
    if not need.volume or need.volume <= 0 or not need.unit or limit <= 0:
        return []
    candidates = list(candidates)
    if single_member_meets(need, candidates):
        return []
    parts = _shortlist(eligible_parts(need, candidates), max_candidates)
    # Largest capacity first: the capacity bound is then a prefix sum of what follows.
    parts.sort(key=lambda p: (-p.capacity, -p.score, str(p.id)))
    n = len(parts)
    wanted = frozenset(need.hs_codes)
    product_sets = [frozenset(p.hs_codes) for p in parts]
    # suffix_products[i]: every product some member from i on makes.
    suffix_products: list[frozenset[str]] = [frozenset()] * (n + 1)
    for i in range(n - 1, -1, -1):
        suffix_products[i] = suffix_products[i + 1] | product_sets[i]
    if n == 0 or not wanted.issubset(suffix_products[0]):
        return []
    # suffix_scores[i]: the best scores among members i.. (descending), up to max_members.
    suffix_scores: list[list[float]] = [[] for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        suffix_scores[i] = sorted([parts[i].score, *suffix_scores[i + 1]], reverse=True)[
            :max_members
        ]
    search = _Search(parts, product_sets, suffix_products, suffix_scores, need, wanted, limit)
    for size in range(max(min_members, 1), min(max_members, n) + 1):
        if sum(p.capacity for p in parts[:size]) < need.volume:
            continue  # even the largest capacities fall short at this size
        search.run(size, max_nodes)
        if search.kept:
            return [_option(need, [parts[i] for i in chosen]) for _, _, chosen in search.kept]
        if search.nodes > max_nodes:
            break
    return []


class _Search:
    """Depth-first branch and bound over members sorted by decreasing capacity."""

    def __init__(
        self,
        parts: list[MemberPart],
        product_sets: list[frozenset[str]],
        suffix_products: list[frozenset[str]],
        suffix_scores: list[list[float]],
        need: ConsortiumNeed,
        wanted: frozenset[str],
        limit: int,
    ) -> None:
        self.parts = parts
        self.product_sets = product_sets
        self.suffix_products = suffix_products
        self.suffix_scores = suffix_scores
        self.need = need
        self.wanted = wanted
        self.limit = limit
        self.nodes = 0
        # The best sets of the current size: (-score, sorted ids, chosen rows), best first.
        self.kept: list[tuple[float, tuple[str, ...], list[int]]] = []

    def run(self, size: int, max_nodes: int) -> None:
        self.size, self.max_nodes, self.kept = size, max_nodes, []
        self._visit(0, [], 0.0, 0.0, frozenset())

    def _threshold(self) -> float:
        return -self.kept[-1][0] if len(self.kept) >= self.limit else float("-inf")

    def _keep(self, chosen: list[int], score: float) -> None:
        ids = tuple(sorted(str(self.parts[i].id) for i in chosen))
        self.kept.append((-round(score, 6), ids, list(chosen)))
        self.kept.sort(key=lambda entry: (entry[0], entry[1]))
        del self.kept[self.limit :]

    def _visit(
        self, start: int, chosen: list[int], capacity: float, score: float, made: frozenset[str]
    ) -> None:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            return
        left = self.size - len(chosen)
        if left == 0:
            if capacity >= self.need.volume and self.wanted.issubset(made):
                self._keep(chosen, score)
            return
        parts, n = self.parts, len(self.parts)
        for i in range(start, n - left + 1):
            # Each bound only weakens as i grows (capacities and suffixes shrink): break.
            if capacity + sum(p.capacity for p in parts[i : i + left]) < self.need.volume:
                break
            if not self.wanted.issubset(made | self.suffix_products[i]):
                break
            if score + sum(self.suffix_scores[i][:left]) < self._threshold():
                break
            self._visit(
                i + 1,
                [*chosen, i],
                capacity + parts[i].capacity,
                score + parts[i].score,
                made | self.product_sets[i],
            )
