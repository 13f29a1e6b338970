"""The inverted index's storage: term-major posting lists with 16-bit weights.

A supplier's TF-IDF row has unit length, so every weight lies in (0, 1]. Stored
as ``round(weight * 65535)`` in an unsigned 16-bit integer, a weight costs two
bytes instead of four and is off by at most 7.6e-6, far below any difference
that changes a ranking; at a million suppliers of ~40 terms that saves ~80 MB.
Scores multiply the stored level by ``WEIGHT_SCALE`` as they add it up, so the
top-k and its baselines read the same numbers (``dequantized`` gives them).

The kernels here also weigh, normalise and transpose the fitted counts in place,
without the temporary arrays numpy would allocate for each step: that is what
keeps a full rebuild's peak memory near the size of the index itself.
"""

import numpy as np
from scipy import sparse

try:
    import numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - numba is a dependency; this keeps the engine importable
    HAVE_NUMBA = False

WEIGHT_LEVELS = 65535
WEIGHT_SCALE = np.float32(1.0 / WEIGHT_LEVELS)


def _weigh_rows_numpy(indptr, indices, data, idf):  # pragma: no cover - numba fallback
    data[:] = (1 + np.log(data)) * idf[indices]
    lengths = np.diff(indptr)
    rows = np.repeat(np.arange(len(lengths)), lengths)
    norms = np.sqrt(np.bincount(rows, weights=data.astype(np.float64) ** 2, minlength=len(lengths)))
    norms[norms == 0] = 1
    data /= norms[rows].astype(data.dtype)


def _transpose_numpy(n_terms, indptr, indices, data):  # pragma: no cover - numba fallback
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, n_terms))
    levels = np.maximum(np.rint(matrix.data * WEIGHT_LEVELS), 1).astype(np.uint16)
    matrix = sparse.csr_matrix((levels, matrix.indices, matrix.indptr), shape=matrix.shape)
    postings = matrix.T.tocsr()
    return postings.indptr.astype(np.int64), postings.indices, postings.data


if HAVE_NUMBA:

    @numba.njit(cache=True, nogil=True)
    def _weigh_rows(indptr, indices, data, idf):  # pragma: no cover - compiled
        """Counts → sublinear TF-IDF, each row scaled to unit length, in place."""
        for row in range(indptr.shape[0] - 1):
            start, end = indptr[row], indptr[row + 1]
            total = 0.0
            for p in range(start, end):
                # float32 throughout, as numpy computes it for a query's vector
                data[p] = (np.float32(1.0) + np.log(data[p])) * idf[indices[p]]
                total += np.float64(data[p]) * np.float64(data[p])
            if total > 0:
                norm = np.float32(np.sqrt(total))
                for p in range(start, end):
                    data[p] = data[p] / norm

    @numba.njit(cache=True, nogil=True)
    def _transpose(n_terms, indptr, indices, data):  # pragma: no cover - compiled
        """Rows × terms float weights → terms × rows 16-bit levels, rows ascending per term."""
        counts = np.zeros(n_terms + 1, dtype=np.int64)
        for p in range(indices.shape[0]):
            counts[indices[p] + 1] += 1
        for t in range(n_terms):
            counts[t + 1] += counts[t]
        out_indptr = counts.copy()
        out_indices = np.empty(indices.shape[0], dtype=np.int32)
        out_data = np.empty(indices.shape[0], dtype=np.uint16)
        for row in range(indptr.shape[0] - 1):
            for p in range(indptr[row], indptr[row + 1]):
                term = indices[p]
                at = counts[term]
                counts[term] = at + 1
                out_indices[at] = row
                # A weight too small for one level still marks the term as present.
                level = np.int64(np.rint(data[p] * WEIGHT_LEVELS))
                out_data[at] = max(1, min(WEIGHT_LEVELS, level))
        return out_indptr, out_indices, out_data

    @numba.njit(cache=True, nogil=True)
    def _levels_from_counts(n_terms, indptr, indices, counts, idf):  # pragma: no cover
        """Term counts (rows × terms) → unit-length TF-IDF levels, terms × rows.

        The same float32 arithmetic as ``_weigh_rows`` then ``_transpose``, each weight
        worked out twice (for the row's length, then for its level) instead of kept.
        """
        starts = np.zeros(n_terms + 1, dtype=np.int64)
        for p in range(indices.shape[0]):
            starts[indices[p] + 1] += 1
        for t in range(n_terms):
            starts[t + 1] += starts[t]
        out_indptr = starts.copy()
        out_indices = np.empty(indices.shape[0], dtype=np.int32)
        out_data = np.empty(indices.shape[0], dtype=np.uint16)
        for row in range(indptr.shape[0] - 1):
            start, end = indptr[row], indptr[row + 1]
            total = 0.0
            for p in range(start, end):
                weight = (np.float32(1.0) + np.log(np.float32(counts[p]))) * idf[indices[p]]
                total += np.float64(weight) * np.float64(weight)
            norm = np.float32(np.sqrt(total)) if total > 0 else np.float32(1.0)
            for p in range(start, end):
                weight = (np.float32(1.0) + np.log(np.float32(counts[p]))) * idf[indices[p]]
                value = np.float32(weight) / norm
                term = indices[p]
                at = starts[term]
                starts[term] = at + 1
                out_indices[at] = row
                level = np.int64(np.rint(value * WEIGHT_LEVELS))
                out_data[at] = max(1, min(WEIGHT_LEVELS, level))
        return out_indptr, out_indices, out_data

else:  # pragma: no cover
    _weigh_rows = _weigh_rows_numpy  # type: ignore[assignment]
    _transpose = _transpose_numpy  # type: ignore[assignment]


def weigh_rows(matrix: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Turn a float32 count matrix (documents × terms) into unit-length TF-IDF rows, in place."""
    _weigh_rows(matrix.indptr, matrix.indices, matrix.data, idf.astype(np.float32, copy=False))
    return matrix


def term_major_levels(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """The posting lists (terms × documents) of unit-length rows, as 16-bit weight levels."""
    indptr, indices, data = _transpose(
        matrix.shape[1], matrix.indptr.astype(np.int64, copy=False), matrix.indices, matrix.data
    )
    return sparse.csr_matrix((data, indices, indptr), shape=(matrix.shape[1], matrix.shape[0]))


def term_major_levels_from_counts(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """The posting lists (terms × documents) straight from term counts: what
    ``term_major_levels(weigh_rows(counts, idf))`` gives, without the float matrix."""
    if not HAVE_NUMBA:  # pragma: no cover
        return term_major_levels(weigh_rows(counts.astype(np.float32), idf))
    indptr, indices, data = _levels_from_counts(
        counts.shape[1],
        counts.indptr.astype(np.int64, copy=False),
        counts.indices,
        counts.data,
        idf.astype(np.float32, copy=False),
    )
    return sparse.csr_matrix((data, indices, indptr), shape=(counts.shape[1], counts.shape[0]))


def dequantized(postings: sparse.csr_matrix) -> sparse.csr_matrix:
    """The float32 weights the levels stand for: what the baselines are given to multiply."""
    weights = postings.astype(np.float32)
    if postings.dtype == np.uint16:
        weights.data *= WEIGHT_SCALE
    return weights


def scale_of(postings: sparse.csr_matrix) -> np.float32:
    """What one stored unit of these postings is worth."""
    return WEIGHT_SCALE if postings.dtype == np.uint16 else np.float32(1.0)
