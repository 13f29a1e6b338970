"""Word TF-IDF for the first-stage index, fitted on every core.

The same weighting as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``:
``(1 + log tf) * idf`` with the smoothed ``idf = ln((1 + n) / (1 + df)) + 1``,
rows scaled to unit length. Counting runs in one process per core over slices of
the documents; only compact arrays come back, and the vocabularies are merged.
"""

import multiprocessing
import os
from array import array
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from matching.engine.text import analyse

# Below this many documents one process is faster than starting others.
PARALLEL_MIN_DOCUMENTS = 20_000

_documents: Sequence[str] = ()  # the documents a forked counting process reads


def _count(documents: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Term counts of each document with a vocabulary of its own."""
    vocabulary: dict[str, int] = {}
    indptr = array("q", [0])
    indices = array("i")
    counts = array("i")
    for document in documents:
        for term, count in Counter(analyse(document)).items():
            index = vocabulary.get(term)
            if index is None:
                index = vocabulary[term] = len(vocabulary)
            indices.append(index)
            counts.append(count)
        indptr.append(len(indices))
    return (
        list(vocabulary),
        np.frombuffer(indptr, dtype=np.int64),
        np.frombuffer(indices, dtype=np.int32),
        np.frombuffer(counts, dtype=np.int32),
    )


def _count_slice(bounds: tuple[int, int]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    return _count(_documents[bounds[0] : bounds[1]])


def _normalise_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    squares = matrix.data.astype(np.float64) ** 2
    norms = np.sqrt(np.bincount(rows, weights=squares, minlength=matrix.shape[0]))
    norms[norms == 0] = 1
    matrix.data /= norms[rows].astype(matrix.data.dtype)
    return matrix


class WordVectorizer(TransformerMixin, BaseEstimator):
    """Sublinear word TF-IDF over :func:`matching.engine.text.analyse` terms.

    Parameters
    ----------
    min_df : int
        Ignore terms found in fewer documents than this.
    n_jobs : int or None
        Processes that count terms while fitting; None uses every core.
    """

    def __init__(self, *, min_df: int = 1, n_jobs: int | None = None) -> None:
        self.min_df = min_df
        self.n_jobs = n_jobs

    def _count_all(self, documents: Sequence[str]):
        jobs = self.n_jobs or os.cpu_count() or 1
        if jobs == 1 or len(documents) < PARALLEL_MIN_DOCUMENTS or os.name != "posix":
            return [_count(documents)]
        global _documents
        _documents = documents
        step = -(-len(documents) // jobs)
        bounds = [
            (start, min(len(documents), start + step)) for start in range(0, len(documents), step)
        ]
        try:
            with multiprocessing.get_context("fork").Pool(len(bounds)) as pool:
                return pool.map(_count_slice, bounds)
        finally:
            _documents = ()

    def fit_transform(self, documents: Sequence[str], y=None) -> sparse.csr_matrix:
        parts = self._count_all(documents)
        terms = sorted(set().union(*(p[0] for p in parts)))
        position = {term: i for i, term in enumerate(terms)}
        blocks = []
        for local_terms, indptr, indices, counts in parts:
            mapping = np.asarray([position[t] for t in local_terms], dtype=np.int32)
            blocks.append(
                sparse.csr_matrix(
                    (
                        counts.astype(np.float32),
                        mapping[indices] if len(indices) else indices,
                        indptr,
                    ),
                    shape=(len(indptr) - 1, len(terms)),
                )
            )
        counts = sparse.vstack(blocks, format="csr") if blocks else sparse.csr_matrix((0, 0))
        n_documents = counts.shape[0]
        df = np.bincount(counts.indices, minlength=len(terms))
        keep = np.flatnonzero(df >= self.min_df)
        if len(keep) < len(terms):
            counts = counts[:, keep]
            terms = [terms[i] for i in keep]
            df = df[keep]
        self.vocabulary_ = {term: i for i, term in enumerate(terms)}
        self.idf_ = (np.log((1 + n_documents) / (1 + df)) + 1).astype(np.float32)
        return self._weigh(counts.tocsr())

    def fit(self, documents: Sequence[str], y=None) -> "WordVectorizer":
        self.fit_transform(documents)
        return self

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        counts.sort_indices()
        counts.data = ((1 + np.log(counts.data)) * self.idf_[counts.indices]).astype(np.float32)
        return _normalise_rows(counts)

    def transform(self, documents: Sequence[str]) -> sparse.csr_matrix:
        check_is_fitted(self, "vocabulary_")
        indptr, indices, values = [0], [], []
        for document in documents:
            for term, count in Counter(analyse(document)).items():
                index = self.vocabulary_.get(term)
                if index is not None:
                    indices.append(index)
                    values.append(count)
            indptr.append(len(indices))
        counts = sparse.csr_matrix(
            (
                np.asarray(values, dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(documents), len(self.vocabulary_)),
        )
        return self._weigh(counts)

    def extended(self, new_df: dict[str, int], n_documents: int) -> "WordVectorizer":
        """A copy that also knows ``new_df``'s terms, with IDF from their document counts."""
        check_is_fitted(self, "vocabulary_")
        clone = WordVectorizer(min_df=self.min_df, n_jobs=self.n_jobs)
        clone.vocabulary_ = dict(self.vocabulary_)
        extra = []
        for term, df in new_df.items():
            clone.vocabulary_[term] = len(clone.vocabulary_)
            extra.append(np.log((1 + n_documents) / (1 + df)) + 1)
        clone.idf_ = np.concatenate([self.idf_, np.asarray(extra, dtype=np.float32)])
        return clone
