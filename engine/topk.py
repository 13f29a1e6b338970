"""Top-k over the inverted index: a compiled term-at-a-time accumulator.

For each query term the accumulator walks that term's posting list and adds the
weight into a dense float32 score array, one block of rows at a time so that the
block's scores stay in the core's cache, then keeps the k best in a bounded heap.
It touches only the postings of the query's terms, where a sparse product with
the whole supplier matrix touches every non-zero. Batches of queries run in
parallel threads, each with its own score buffer.

Without numba the same results come from scipy's sparse product.
"""

import numpy as np
from scipy import sparse

# Rows the top-k scan checks with one vector maximum before looking at them one by one.
SCAN_BLOCK = 256
# Rows scored at a time: 262,144 float32 scores are 1 MB, a core's L2 cache here; the
# scores of a million rows (4 MB) would live in the slower shared L3.
BLOCK_ROWS = 262_144

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

    # fastmath lets the compiler use vector max instructions; a maximum is exact in any
    # order, so nothing else changes.
    @numba.njit(cache=True, nogil=True, fastmath=True)
    def _block_max(scores, start, end):  # pragma: no cover
        best = np.float32(0.0)
        for i in range(start, end):
            best = max(best, scores[i])
        return best

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
    def _scan_into(scores, n, offset, k, out_rows, out_scores, n_found):  # pragma: no cover
        """Add rows ``offset`` … ``offset + n`` (scores[:n]) to a bounded min-heap of the k best
        positive scores, clear scores[:n], and return how many the heap holds.

        The heap fills with the first k positive rows; after that a row costs one
        comparison with the heap's smallest score. Its root is the worst entry, the
        latest row among the lowest scores, so a tie at the k-th place keeps the
        lower row, as the baseline's full sort does. Rows come in ascending order
        across calls, so scanning block by block keeps the same rows as one scan.
        """
        row = 0
        while row < n and n_found < k:
            s = scores[row]
            if s > 0:
                i = n_found
                out_rows[i] = offset + row
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
            for block in range(row, n, SCAN_BLOCK):
                end = min(block + SCAN_BLOCK, n)
                # Most blocks hold nothing above the k-th best: one vector max skips them.
                if _block_max(scores, block, end) <= floor:
                    continue
                for rest in range(block, end):
                    s = scores[rest]
                    if s > floor:
                        out_rows[0] = offset + rest
                        out_scores[0] = s
                        _sift_down(out_rows, out_scores, k)
                        floor = out_scores[0]
        scores[:n] = 0.0
        return n_found

    @numba.njit(cache=True, nogil=True)
    def _blocked_topk(
        indptr,
        indices,
        data,
        scale,
        terms,
        weights,
        n_rows,
        k,
        buffer,
        cursor,
        out_rows,
        out_scores,
    ):  # pragma: no cover
        """The k best rows of one query, scored one block of rows at a time.

        A block's scores (``buffer``) stay in the core's own cache, where the scores of
        every row would not; each posting list is read once, block by block from where
        the last block left it, and each row still adds its terms in the same order.
        """
        block = buffer.shape[0]
        for i in range(terms.shape[0]):
            cursor[i] = indptr[terms[i]]
        found = 0
        for start in range(0, n_rows, block):
            end = min(start + block, n_rows)
            for i in range(terms.shape[0]):
                term = terms[i]
                w = weights[i]
                first, last = cursor[i], indptr[term + 1]
                # the first posting of this term at or beyond the block's end
                lo, hi = first, last
                while lo < hi:
                    mid = (lo + hi) // 2
                    if indices[mid] < end:
                        lo = mid + 1
                    else:
                        hi = mid
                for p in range(first, lo):
                    # The stored level times its scale is exactly the baselines' weight.
                    buffer[indices[p] - start] += w * (np.float32(data[p]) * scale)
                cursor[i] = lo
            found = _scan_into(buffer, end - start, start, k, out_rows, out_scores, found)
        return found

    @numba.njit(parallel=True)
    def _batch(
        indptr, indices, data, scale, q_indptr, q_terms, q_weights, n_rows, k, out_rows, out_scores
    ):  # pragma: no cover  # noqa: E501
        """Each thread takes every n-th query with its own block buffer."""
        n_queries = q_indptr.shape[0] - 1
        n_threads = min(numba.get_num_threads(), max(n_queries, 1))
        longest = 1
        for q in range(n_queries):
            longest = max(longest, q_indptr[q + 1] - q_indptr[q])
        for t in numba.prange(n_threads):
            buffer = np.zeros(max(1, min(BLOCK_ROWS, n_rows)), dtype=np.float32)
            cursor = np.empty(longest, dtype=np.int64)
            for q in range(t, n_queries, n_threads):
                a, b = q_indptr[q], q_indptr[q + 1]
                _blocked_topk(
                    indptr,
                    indices,
                    data,
                    scale,
                    q_terms[a:b],
                    q_weights[a:b],
                    n_rows,
                    k,
                    buffer,
                    cursor,
                    out_rows[q],
                    out_scores[q],
                )

    @numba.njit(cache=True, nogil=True)
    def _single(indptr, indices, data, scale, terms, weights, n_rows, k):  # pragma: no cover
        buffer = np.zeros(max(1, min(BLOCK_ROWS, n_rows)), dtype=np.float32)
        cursor = np.empty(max(1, terms.shape[0]), dtype=np.int64)
        out_rows = np.full(k, -1, dtype=np.int64)
        out_scores = np.zeros(k, dtype=np.float32)
        found = _blocked_topk(
            indptr,
            indices,
            data,
            scale,
            terms,
            weights,
            n_rows,
            k,
            buffer,
            cursor,
            out_rows,
            out_scores,
        )
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
