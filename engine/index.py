"""The supplier index: word TF-IDF postings plus the attributes that filter.

Follows scikit-learn's estimator conventions: ``__init__`` stores keyword-only
hyper-parameters, ``fit`` returns ``self``, learned state ends in ``_``.

The index is made of a base segment, fitted on every supplier, and a small delta
segment holding suppliers changed since; the delta reuses the base's vocabulary
and IDF, so a changed profile is searchable at once without refitting everything.
``engine.persistence`` writes an index, or only its changes, to storage and back.
"""

import copy
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from engine import chars
from engine.postings import (
    scale_of,
    term_major_levels,
    term_major_levels_from_counts,
)
from engine.records import CodeTaxonomy, Query, SupplierRecord
from engine.text import analyse
from engine.thresholds import (
    CHAR_IDF_POOL,
    MAX_RESULTS,
    PRIOR_TIE_BREAK,
    SEARCH_PAGE_SIZE,
    VERIFIED_PRIOR,
)
from engine.topk import accumulate_scores
from engine.vectorizer import WordVectorizer

# The code columns a segment keeps, as ``SupplierIndex.code_rows`` names them.
CodeKind = Literal["hs", "isic", "clusters"]


def supplier_document(record: SupplierRecord, taxonomy: CodeTaxonomy) -> str:
    """The text indexed for a supplier: its own words and the titles of its codes."""
    parts = [record.name, record.local_name, record.description, record.processes]
    hs_codes = list(record.hs_codes) + [line.hs_code for line in record.product_lines]
    isic: dict[str, None] = dict.fromkeys(record.isic_codes)
    for code in dict.fromkeys(hs_codes):
        for level in taxonomy.hs_levels(code)[1:]:
            parts.append(taxonomy.hs_titles.get(level, ""))
        isic.update(dict.fromkeys(taxonomy.isic_of_hs(code)[:3]))
    for code in isic:
        parts.append(taxonomy.isic_titles.get(code, ""))
    return "\n".join(p for p in parts if p)


class _CodeColumns:
    """A binary rows × codes matrix built row by row, growing ``vocab`` as it goes."""

    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab
        self.indptr = array("q", [0])
        self.indices = array("i")

    def add_row(self, codes: Iterable[str], *, distinct: bool = True) -> None:
        vocab, add = self.vocab, self.indices.append
        for code in dict.fromkeys(codes) if distinct else codes:
            index = vocab.get(code)
            if index is None:
                index = vocab[code] = len(vocab)
            add(index)
        self.indptr.append(len(self.indices))

    def end_row(self) -> None:
        self.indptr.append(len(self.indices))

    def matrix(self, n_rows: int) -> sparse.csr_matrix:
        indices = np.frombuffer(self.indices, dtype=np.int32).copy()
        return sparse.csr_matrix(
            (
                np.ones(len(indices), dtype=np.float32),
                indices,
                np.frombuffer(self.indptr, dtype=np.int64).copy(),
            ),
            shape=(n_rows, max(len(self.vocab), 1)),
        )


def _id_array(ids: list[Any]) -> np.ndarray:
    """Integer ids as int64 (8 bytes each); anything else as objects."""
    if ids and all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return np.asarray(ids, dtype=np.int64)
    return np.asarray(ids, dtype=object)


@dataclass(frozen=True)
class IndexDelta:
    """Suppliers changed since an index's base was fitted: new or replaced, and removed."""

    records: tuple[SupplierRecord, ...] = ()
    removed_ids: frozenset[Any] = frozenset()


@dataclass
class Segment:
    """Suppliers indexed together: postings (terms × rows) and per-row attributes."""

    ids: np.ndarray
    postings: sparse.csr_matrix
    alive: np.ndarray
    listed: np.ndarray
    verified: np.ndarray
    country: np.ndarray
    hs: sparse.csc_matrix
    isic: sparse.csc_matrix
    certs: sparse.csc_matrix
    clusters: sparse.csc_matrix
    capacity: dict[str, np.ndarray]
    prior: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)

    def __post_init__(self) -> None:
        # Sorted ids and their rows: a row lookup by binary search, no per-id dict.
        # Ids that come in order (database keys do) are their own sorted copy.
        in_order = len(self.ids) < 2 or bool(np.all(self.ids[1:] > self.ids[:-1]))
        self.sorter: np.ndarray | None = (
            None if in_order else np.argsort(self.ids, kind="stable").astype(np.int32)
        )
        self.sorted_ids = self.ids if self.sorter is None else self.ids[self.sorter]

    def row_of(self, supplier_id: Any) -> int | None:
        if self.ids.dtype.kind in "iu" and not isinstance(supplier_id, int | np.integer):
            return None
        at = int(np.searchsorted(self.sorted_ids, supplier_id))
        if at < len(self.sorted_ids) and self.sorted_ids[at] == supplier_id:
            return at if self.sorter is None else int(self.sorter[at])
        return None


class SupplierIndex(BaseEstimator):
    """Ranks suppliers for a query by word TF-IDF, with codes and constraints as filters.

    Parameters
    ----------
    taxonomy : CodeTaxonomy or None
        Code titles and the HS→ISIC concordance; titles are indexed with each supplier.
    min_df : int
        Ignore terms found in fewer suppliers than this.
    n_jobs : int or None
        Processes that count terms while fitting; None uses every core.
    """

    def __init__(
        self, *, taxonomy: CodeTaxonomy | None = None, min_df: int = 1, n_jobs: int | None = None
    ) -> None:
        self.taxonomy = taxonomy
        self.min_df = min_df
        self.n_jobs = n_jobs

    # FITTING
    # --------------------------------------------------------------------------

    def fit(self, records: Sequence[SupplierRecord], y: Any = None) -> "SupplierIndex":
        records = list(records)
        taxonomy = self.taxonomy or CodeTaxonomy()
        self.vectorizer_ = WordVectorizer(min_df=self.min_df, n_jobs=self.n_jobs)
        documents = [supplier_document(r, taxonomy) for r in records]
        counts = self.vectorizer_.fit_counts(documents)
        del documents  # the texts joined with their codes' titles: as large as the input
        postings = term_major_levels_from_counts(counts, self.vectorizer_.idf_)
        del counts
        self.char_idf_ = chars.fit_idf([chars.char_document(r) for r in records[:CHAR_IDF_POOL]])
        self.hs_vocab_: dict[str, int] = {}
        self.isic_vocab_: dict[str, int] = {}
        self.cert_vocab_: dict[str, int] = {}
        self.cluster_vocab_: dict[str, int] = {}
        self.country_vocab_: dict[str, int] = {}
        self.base_ = self._segment(records, postings)
        self.delta_records_: dict[Any, SupplierRecord] = {}
        self.removed_ids_: set[Any] = set()
        self.delta_: Segment | None = None
        self.delta_rows_: dict[Any, int] = {}
        return self

    def _segment(self, records: list[SupplierRecord], postings: sparse.csr_matrix) -> Segment:
        taxonomy = self.taxonomy or CodeTaxonomy()
        n = len(records)
        hs = _CodeColumns(self.hs_vocab_)
        isic = _CodeColumns(self.isic_vocab_)
        certs = _CodeColumns(self.cert_vocab_)
        clusters = _CodeColumns(self.cluster_vocab_)
        cert_days = array("f")
        capacity: dict[str, np.ndarray] = {}
        ids: list[Any] = [None] * n
        listed = np.ones(n, dtype=bool)
        verified = np.zeros(n, dtype=bool)
        country = np.zeros(n, dtype=np.int16)
        completeness = np.zeros(n, dtype=np.float32)
        countries = self.country_vocab_
        hs_levels, isic_levels, isic_of_hs = (
            taxonomy.hs_levels,
            taxonomy.isic_levels,
            taxonomy.isic_of_hs,
        )
        # One pass over the records, each attribute appended as it is met: at a million
        # suppliers every extra pass or per-row list costs seconds of the rebuild.
        for row, record in enumerate(records):
            ids[row] = record.id
            lines = record.product_lines
            hs_all = (
                [*record.hs_codes, *(line.hs_code for line in lines)] if lines else record.hs_codes
            )
            if hs_all:
                hs.add_row([level for code in hs_all for level in hs_levels(code)])
                isic_codes: Sequence[str] = [
                    *record.isic_codes,
                    *(c for code in hs_all for c in isic_of_hs(code)),
                ]
            else:
                hs.end_row()
                isic_codes = record.isic_codes
            if isic_codes:
                isic.add_row([level for code in isic_codes for level in isic_levels(code)])
            else:
                isic.end_row()
            held = record.certifications
            if held:
                certs.add_row([c.scheme for c in held], distinct=False)
                cert_days.extend([c.valid_until for c in held])
            else:
                certs.end_row()
            if record.clusters:
                clusters.add_row(record.clusters)
            else:
                clusters.end_row()
            if lines:
                amounts = [(line.unit, line.capacity) for line in lines]
            elif record.capacity is not None:
                amounts = [(record.capacity_unit or "pieces", record.capacity)]
            else:
                amounts = []
            for unit, amount in amounts:
                column = capacity.get(unit)
                if column is None:
                    column = capacity[unit] = np.zeros(n, dtype=np.float32)
                column[row] = max(column[row], amount)
            if not record.listed:
                listed[row] = False
            if record.verified:
                verified[row] = True
            code = countries.get(record.country)
            if code is None:
                code = countries[record.country] = len(countries)
            country[row] = code
            completeness[row] = bool(record.description) + bool(hs_all) + bool(held)
        # Each certificate's expiry day is its value, so validity is checked at query time.
        certificate_matrix = certs.matrix(n)
        certificate_matrix.data = np.frombuffer(cert_days, dtype=np.float32).copy()
        return Segment(
            ids=_id_array(ids),
            postings=postings,
            alive=np.ones(n, dtype=bool),
            listed=listed,
            verified=verified,
            country=country,
            hs=hs.matrix(n).tocsc(),
            isic=isic.matrix(n).tocsc(),
            certs=certificate_matrix.tocsc(),
            clusters=clusters.matrix(n).tocsc(),
            capacity=capacity,
            prior=verified.astype(np.float32) * VERIFIED_PRIOR + completeness,
        )

    def update(
        self, records: Sequence[SupplierRecord], *, removed_ids: Iterable[Any] = ()
    ) -> "SupplierIndex":
        """Add or replace suppliers, or remove them, keeping the fitted vocabulary."""
        check_is_fitted(self, "base_")
        for record in records:
            self.delta_records_[record.id] = record
            self.removed_ids_.discard(record.id)
        for rid in removed_ids:
            self.delta_records_.pop(rid, None)
            self.removed_ids_.add(rid)
        for rid in list(self.delta_records_) + list(self.removed_ids_):
            row = self.base_.row_of(rid)
            if row is not None:
                self.base_.alive[row] = False
        delta = list(self.delta_records_.values())
        if delta:
            taxonomy = self.taxonomy or CodeTaxonomy()
            documents = [supplier_document(r, taxonomy) for r in delta]
            self._extend_vocabulary(documents)
            self.delta_ = self._segment(
                delta, term_major_levels(self.vectorizer_.transform(documents))
            )
            self.delta_rows_ = {r.id: row for row, r in enumerate(delta)}
        else:
            self.delta_ = None
            self.delta_rows_ = {}
        return self

    def _extend_vocabulary(self, documents: list[str]) -> None:
        """Give words first seen in changed profiles a term, so they are searchable at once.

        The vectorizer is replaced, not changed, because a copy of this index may be
        answering searches with the old one.
        """
        vocabulary = self.vectorizer_.vocabulary_
        new_df: dict[str, int] = {}
        for document in documents:
            for term in set(analyse(document)):
                if term not in vocabulary:
                    new_df[term] = new_df.get(term, 0) + 1
        if not new_df:
            return
        self.vectorizer_ = self.vectorizer_.extended(new_df, self.base_.size + len(documents))

    @property
    def n_suppliers(self) -> int:
        check_is_fitted(self, "base_")
        delta = self.delta_.size if self.delta_ is not None else 0
        return int(self.base_.alive.sum()) + delta

    # QUERYING
    # --------------------------------------------------------------------------

    def _locate(self, supplier_id: Any) -> tuple[Segment, int] | None:
        """The live segment and row holding a supplier, if any."""
        if self.delta_ is not None and supplier_id in self.delta_records_:
            return self.delta_, self.delta_rows_[supplier_id]
        row = self.base_.row_of(supplier_id)
        if row is not None and self.base_.alive[row]:
            return self.base_, row
        return None

    def segments(self) -> list[Segment]:
        """The segments that hold suppliers, base first, for callers that score rows.

        A row's supplier is ``segment.ids[row]``; rows whose ``alive`` is False were
        replaced or removed since the base was fitted and must be skipped.
        """
        check_is_fitted(self, "base_")
        return [s for s in (self.base_, self.delta_) if s is not None and s.size]

    def code_rows(self, segment: Segment, kind: CodeKind, codes: Iterable[str]) -> np.ndarray:
        """Rows of a segment holding any of the codes, as a boolean mask.

        ``kind`` names the codes: ``"hs"`` and ``"isic"`` match a code at any level of
        its hierarchy (a supplier of 610910 holds 61 and 6109 too), ``"clusters"``
        matches cluster ids. Unknown codes match nothing.
        """
        matrix, vocab = {
            "hs": (segment.hs, self.hs_vocab_),
            "isic": (segment.isic, self.isic_vocab_),
            "clusters": (segment.clusters, self.cluster_vocab_),
        }[kind]
        mask = np.zeros(matrix.shape[0], dtype=bool)
        for code in codes:
            col = vocab.get(code)
            # A code first seen in a later segment has no column in an older one.
            if col is not None and col < matrix.shape[1]:
                mask[matrix.indices[matrix.indptr[col] : matrix.indptr[col + 1]]] = True
        return mask

    def filter_mask(self, segment: Segment, query: Query) -> np.ndarray:
        """Rows that pass every hard filter of the query."""
        mask = segment.alive & segment.listed
        if query.verified_only:
            mask &= segment.verified
        if query.countries:
            wanted = [self.country_vocab_[c] for c in query.countries if c in self.country_vocab_]
            mask &= np.isin(segment.country, np.asarray(wanted, dtype=np.int16))
        if query.hs_codes:
            mask &= self.code_rows(segment, "hs", query.hs_codes)
        if query.isic_codes:
            mask &= self.code_rows(segment, "isic", query.isic_codes)
        for scheme in query.certifications:
            col = self.cert_vocab_.get(scheme)
            held = np.zeros(segment.size, dtype=bool)
            if col is not None and col < segment.certs.shape[1]:
                start, end = segment.certs.indptr[col], segment.certs.indptr[col + 1]
                valid = segment.certs.data[start:end] >= query.today
                held[segment.certs.indices[start:end][valid]] = True
            mask &= held
        if query.min_capacity:
            units = [query.unit] if query.unit else list(segment.capacity)
            enough = np.zeros(segment.size, dtype=bool)
            for unit in units:
                if unit in segment.capacity:
                    enough |= segment.capacity[unit] >= query.min_capacity
            mask &= enough
        if query.clusters:
            if "*" in query.clusters:
                mask &= np.diff(segment.clusters.tocsr().indptr) > 0
            else:
                mask &= self.code_rows(segment, "clusters", query.clusters)
        if query.exclude_ids:
            mask &= ~np.isin(
                segment.ids, np.asarray(list(query.exclude_ids), dtype=segment.ids.dtype)
            )
        return mask

    def query_vector(self, text: str) -> sparse.csr_matrix:
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform([text or ""])

    def text_scores(self, segment: Segment, qvec: sparse.csr_matrix) -> np.ndarray:
        """Cosine of the query with every row: a sum over the query's posting lists."""
        known = qvec.indices < segment.postings.shape[0]  # terms added after this segment
        if not known.any():
            return np.zeros(segment.size, dtype=np.float32)
        return accumulate_scores(
            segment.postings,
            qvec.indices[known],
            qvec.data[known],
            scale=float(scale_of(segment.postings)),
        )

    def search(
        self, query: Query, *, offset: int = 0, limit: int = SEARCH_PAGE_SIZE
    ) -> tuple[list[Any], list[float], int]:
        """Supplier ids ranked for the query, their scores and how many matched in all.

        With words, only suppliers sharing at least one term match, by cosine; without
        words every supplier passing the filters matches, verified and complete first.
        """
        check_is_fitted(self, "base_")
        limit = max(0, min(limit, MAX_RESULTS - offset))
        qvec = self.query_vector(query.text) if query.text.strip() else None
        has_words = qvec is not None and qvec.nnz > 0
        if query.text.strip() and not has_words:
            return [], [], 0
        ids, keys, scores, total = [], [], [], 0
        want = offset + limit
        for segment in self.segments():
            mask = self.filter_mask(segment, query)
            if has_words:
                score = self.text_scores(segment, qvec)
                mask &= score > 0
                # Ties go to verified, complete profiles.
                key = score + segment.prior * PRIOR_TIE_BREAK
            else:
                score = np.zeros(segment.size, dtype=np.float32)
                key = segment.prior
            rows = np.flatnonzero(mask)
            total += len(rows)
            if len(rows) > want:
                part = np.argpartition(-key[rows], want - 1)[:want]
                rows = rows[part]
            ids.extend(segment.ids[rows].tolist())
            keys.extend(key[rows].tolist())
            scores.extend(score[rows].tolist())
        order = sorted(range(len(ids)), key=lambda i: (-keys[i], str(ids[i])))[offset:want]
        return [ids[i] for i in order], [float(scores[i]) for i in order], total

    def matches(self, query: Query, supplier_id: Any) -> bool:
        """Whether one supplier passes the query's filters and shares a term with it."""
        check_is_fitted(self, "base_")
        found = self._locate(supplier_id)
        if found is None:
            return False
        segment, row = found
        if not self.filter_mask(segment, query)[row]:
            return False
        return not query.text.strip() or bool(self.matched_words(query.text, supplier_id))

    def word_score(self, qvec: sparse.csr_matrix, supplier_id: Any) -> float:
        """Word cosine of a query vector with one supplier, read off the postings."""
        found = self._locate(supplier_id)
        if found is None:
            return 0.0
        segment, row = found
        postings = segment.postings
        scale = float(scale_of(postings))
        total = 0.0
        for col, weight in zip(qvec.indices, qvec.data, strict=True):
            if col >= postings.shape[0]:
                continue
            start, end = postings.indptr[col], postings.indptr[col + 1]
            at = start + np.searchsorted(postings.indices[start:end], row)
            if at < end and postings.indices[at] == row:
                total += float(weight) * float(postings.data[at]) * scale
        return total

    def matched_words(self, query_text: str, supplier_id: Any) -> list[str]:
        """The query's words found in the supplier's indexed text, read off the postings."""
        check_is_fitted(self, "base_")
        found = self._locate(supplier_id)
        if found is None:
            return []
        segment, row = found
        vocabulary = self.vectorizer_.vocabulary_
        postings = segment.postings
        words: list[str] = []
        for word in dict.fromkeys(query_text.split()):
            for term in analyse(word):
                col = vocabulary.get(term)
                if col is None or col >= postings.shape[0]:
                    continue
                start, end = postings.indptr[col], postings.indptr[col + 1]
                at = start + np.searchsorted(postings.indices[start:end], row)
                if at < end and postings.indices[at] == row:
                    words.append(word.strip(".,;:()\"'"))
                    break
        return words

    # CHANGES AND COPIES
    # --------------------------------------------------------------------------

    def changes(self) -> "IndexDelta":
        """Every supplier added, replaced or removed since the base was fitted.

        Applying them with ``update`` to a copy of the base (``without_changes``) gives
        an index that ranks exactly as this one, which is what lets a store keep one
        large base and a small delta per version.
        """
        check_is_fitted(self, "base_")
        return IndexDelta(
            records=tuple(self.delta_records_.values()), removed_ids=frozenset(self.removed_ids_)
        )

    def copy(self) -> "SupplierIndex":
        """A copy that can be updated while this one goes on answering searches.

        Only what ``update`` changes is copied; the postings and code matrices, by far
        the largest part, are shared.
        """
        check_is_fitted(self, "base_")
        clone = copy.copy(self)
        # copy.copy, not dataclasses.replace: replace would sort a million ids again.
        clone.base_ = copy.copy(self.base_)
        clone.base_.alive = self.base_.alive.copy()
        clone.delta_records_ = dict(self.delta_records_)
        clone.removed_ids_ = set(self.removed_ids_)
        return clone

    def without_changes(self) -> "SupplierIndex":
        """A copy holding only the suppliers the base was fitted on, as they were then.

        Words that updates added to the vocabulary stay in it: they match nothing in
        the base, and a later delta may use them.
        """
        clone = self.copy()
        clone.base_.alive[:] = True
        clone.delta_records_ = {}
        clone.removed_ids_ = set()
        clone.delta_ = None
        clone.delta_rows_ = {}
        return clone


def matched_terms(query_text: str, document: str) -> list[str]:
    """The query's words that the document also contains, in the query's order."""
    doc_terms = set(analyse(document))
    found: list[str] = []
    for word in dict.fromkeys(query_text.split()):
        terms = analyse(word)
        if terms and any(t in doc_terms for t in terms):
            found.append(word.strip(".,;:()\"'"))
    return found
