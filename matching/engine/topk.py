"""Top-k over the inverted index: a compiled term-at-a-time accumulator.

For each query term the accumulator walks that term's posting list and adds the
weight into a dense float32 score array, then picks the k best with
``argpartition``. It touches only the postings of the query's terms, where a
sparse product with the whole supplier matrix touches every non-zero. Batches of
queries run in parallel threads, each with its own score buffer.

Without numba the same results come from scipy's sparse product.
"""

import numpy as np
from scipy import sparse

try:
    import numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - numba is a dependency; this keeps the engine importable
    HAVE_NUMBA = False


def _topk_from_scores(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best positive scores, best first; a tie at the k-th place goes to the lower row."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        kth = np.partition(scores[positive], len(positive) - k)[len(positive) - k]
        positive = positive[scores[positive] >= kth]  # every row as good as the k-th
    order = np.lexsort((positive, -scores[positive]))[:k]
    rows = positive[order]
    return rows, scores[rows]


if HAVE_NUMBA:

    @numba.njit(cache=True, nogil=True)
    def _accumulate(indptr, indices, data, terms, weights, scale, scores):  # pragma: no cover
        for t in range(terms.shape[0]):
            term = terms[t]
            w = weights[t]
            for p in range(indptr[term], indptr[term + 1]):
                # The stored level times its scale is exactly the baselines' float32 weight.
                scores[indices[p]] += w * (np.float32(data[p]) * scale)

    @numba.njit(cache=True, nogil=True)
    def _worse(out_rows, out_scores, a, b):  # pragma: no cover
        """Whether heap entry a ranks below b: a lower score, or the same and a later row."""
        return out_scores[a] < out_scores[b] or (
            out_scores[a] == out_scores[b] and out_rows[a] > out_rows[b]
        )

    @numba.njit(cache=True, nogil=True)
    def _sift_down(out_rows, out_scores, k):  # pragma: no cover
        i = 0
        while True:
            left = 2 * i + 1
            right = left + 1
            smallest = i
            if left < k and _worse(out_rows, out_scores, left, smallest):
                smallest = left
            if right < k and _worse(out_rows, out_scores, right, smallest):
                smallest = right
            if smallest == i:
                return
            out_scores[smallest], out_scores[i] = out_scores[i], out_scores[smallest]
            out_rows[smallest], out_rows[i] = out_rows[i], out_rows[smallest]
            i = smallest

    @numba.njit(cache=True, nogil=True)
    def _topk_scan(scores, k, out_rows, out_scores):  # pragma: no cover
        """k best positive scores by a bounded min-heap scan; returns how many were found.

        The heap fills with the first k positive rows; after that a row costs one
        comparison with the heap's smallest score. Its root is the worst entry, the
        latest row among the lowest scores, so a tie at the k-th place keeps the
        lower row, as the baseline's full sort does. The buffer is cleared in one pass at
        the end (a memset) rather than row by row, ready for the next query.
        """
        n_rows = scores.shape[0]
        n_found = 0
        row = 0
        while row < n_rows and n_found < k:
            s = scores[row]
            if s > 0:
                i = n_found
                out_rows[i] = row
                out_scores[i] = s
                n_found += 1
                while i > 0:
                    parent = (i - 1) // 2
                    if not _worse(out_rows, out_scores, i, parent):
                        break
                    out_scores[parent], out_scores[i] = out_scores[i], out_scores[parent]
                    out_rows[parent], out_rows[i] = out_rows[i], out_rows[parent]
                    i = parent
            row += 1
        if n_found == k:
            floor = out_scores[0]
            for rest in range(row, n_rows):
                s = scores[rest]
                if s > floor:
                    out_rows[0] = rest
                    out_scores[0] = s
                    _sift_down(out_rows, out_scores, k)
                    floor = out_scores[0]
        scores[:] = 0.0
        return n_found

    @numba.njit(parallel=True)
    def _batch(
        indptr, indices, data, scale, q_indptr, q_terms, q_weights, n_rows, k, out_rows, out_scores
    ):  # pragma: no cover  # noqa: E501
        """Each thread takes every n-th query with its own dense score buffer."""
        n_queries = q_indptr.shape[0] - 1
        n_threads = min(numba.get_num_threads(), max(n_queries, 1))
        for t in numba.prange(n_threads):
            scores = np.zeros(n_rows, dtype=np.float32)
            for q in range(t, n_queries, n_threads):
                a, b = q_indptr[q], q_indptr[q + 1]
                _accumulate(indptr, indices, data, q_terms[a:b], q_weights[a:b], scale, scores)
                _topk_scan(scores, k, out_rows[q], out_scores[q])

    @numba.njit(cache=True, nogil=True)
    def _single(indptr, indices, data, scale, terms, weights, n_rows, k):  # pragma: no cover
        scores = np.zeros(n_rows, dtype=np.float32)
        _accumulate(indptr, indices, data, terms, weights, scale, scores)
        out_rows = np.full(k, -1, dtype=np.int64)
        out_scores = np.zeros(k, dtype=np.float32)
        found = _topk_scan(scores, k, out_rows, out_scores)
        return out_rows[:found], out_scores[:found]


def accumulate_scores(
    postings: sparse.csr_matrix, terms: np.ndarray, weights: np.ndarray, *, scale: float = 1.0
) -> np.ndarray:
    """Dense scores of every row for one query given as (term ids, weights).

    ``scale`` is what one stored unit of ``postings`` is worth (see ``postings.py``).
    """
    n_rows = postings.shape[1]
    keep = terms < postings.shape[0]
    terms = terms[keep].astype(np.int64)
    weights = weights[keep].astype(np.float32)
    if not HAVE_NUMBA:
        stored = postings[terms].T.astype(np.float32) * np.float32(scale)
        return np.asarray(stored @ weights, dtype=np.float32).ravel()
    scores = np.zeros(n_rows, dtype=np.float32)
    _accumulate(
        postings.indptr, postings.indices, postings.data, terms, weights, np.float32(scale), scores
    )
    return scores


def _best_first(rows: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((rows, -scores))
    return rows[order], scores[order]


def topk_one(
    postings: sparse.csr_matrix,
    terms: np.ndarray,
    weights: np.ndarray,
    k: int,
    *,
    scale: float = 1.0,
):
    """Rows and scores of the k best rows for one query, best first."""
    if not HAVE_NUMBA:
        return _topk_from_scores(accumulate_scores(postings, terms, weights, scale=scale), k)
    keep = terms < postings.shape[0]
    rows, scores = _single(
        postings.indptr,
        postings.indices,
        postings.data,
        np.float32(scale),
        terms[keep].astype(np.int64),
        weights[keep].astype(np.float32),
        postings.shape[1],
        k,
    )
    return _best_first(rows, scores)


def topk_batch(
    postings: sparse.csr_matrix, queries: sparse.csr_matrix, k: int, *, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """The k best rows for each query row of ``queries`` (queries × terms), best first.

    Returns ``(rows, scores)`` arrays of shape (n_queries, k); missing places hold
    row -1 and score 0.
    """
    n_queries = queries.shape[0]
    queries = queries[:, : postings.shape[0]].tocsr()
    out_rows = np.full((n_queries, k), -1, dtype=np.int64)
    out_scores = np.zeros((n_queries, k), dtype=np.float32)
    if HAVE_NUMBA:
        _batch(
            postings.indptr,
            postings.indices,
            postings.data,
            np.float32(scale),
            queries.indptr.astype(np.int64),
            queries.indices.astype(np.int64),
            queries.data.astype(np.float32),
            postings.shape[1],
            k,
            out_rows,
            out_scores,
        )
        # The heap leaves each row unordered: sort best first, ties by row.
        for q in range(n_queries):
            found = out_rows[q] >= 0
            rows, scores = out_rows[q][found], out_scores[q][found]
            order = np.lexsort((rows, -scores))
            out_rows[q, : len(order)] = rows[order]
            out_scores[q, : len(order)] = scores[order]
            out_rows[q, len(order) :] = -1
            out_scores[q, len(order) :] = 0
        return out_rows, out_scores
    for q in range(n_queries):
        row = queries.getrow(q)
        rows, scores = topk_one(postings, row.indices, row.data, k, scale=scale)
        out_rows[q, : len(rows)] = rows
        out_scores[q, : len(rows)] = scores
    return out_rows, out_scores


def scipy_topk(supplier_matrix: sparse.csr_matrix, query: sparse.csr_matrix, k: int):
    """The baseline: the query row times the supplier matrix, then ``argpartition``."""
    scores = np.asarray((supplier_matrix @ query.T).toarray(), dtype=np.float32).ravel()
    return _topk_from_scores(scores, k)
