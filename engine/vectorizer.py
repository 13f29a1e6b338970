"""Word TF-IDF for the first-stage index, fitted on every core.

The same weighting as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``:
``(1 + log tf) * idf`` with the smoothed ``idf = ln((1 + n) / (1 + df)) + 1``,
rows scaled to unit length. Counting runs in one process per core over slices of
the documents; only compact arrays come back, and the vocabularies are merged.
"""

import gc
import multiprocessing
import os
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from engine.postings import weigh_rows
from engine.text import analyse, terms_of, tokens
from engine.thresholds import CHUNK_DOCUMENTS, PARALLEL_MIN_DOCUMENTS


def _count(documents: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Term counts of each document with a vocabulary of its own.

    The same terms as :func:`analyse`, counted per distinct token rather than per
    token: each token's term ids are worked out once, and a document's tokens are
    counted by ``Counter`` in C. Two tokens of one document that share a term
    ('shirt', 'shirts') give two entries, which the caller sums.
    """
    vocabulary: dict[str, int] = {}
    term_ids: dict[str, Any] = {}  # token → its term id, or a tuple of them
    indptr = array("q", [0])
    indices = array("i")
    counts = array("H")  # a term's count in one profile; a profile is at most a few kB
    add_index, add_count, find_ids = indices.append, counts.append, term_ids.get
    for document in documents:
        for token, count in Counter(tokens(document)).items():
            ids = find_ids(token)
            if ids is None:
                found = tuple(vocabulary.setdefault(t, len(vocabulary)) for t in terms_of(token))
                ids = term_ids[token] = found[0] if len(found) == 1 else found
            if isinstance(ids, int):
                add_index(ids)
                add_count(min(count, 65535))
            else:
                for term in ids:
                    add_index(term)
                    add_count(min(count, 65535))
        indptr.append(len(indices))
    return (
        list(vocabulary),
        np.frombuffer(indptr, dtype=np.int64),
        np.frombuffer(indices, dtype=np.int32),
        np.frombuffer(counts, dtype=np.uint16),
    )


class WordVectorizer(TransformerMixin, BaseEstimator):
    """Sublinear word TF-IDF over :func:`engine.text.analyse` terms.

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
        chunks = (
            documents[start : start + CHUNK_DOCUMENTS]
            for start in range(0, len(documents), CHUNK_DOCUMENTS)
        )
        # Workers get their documents by pipe, a chunk at a time, rather than reading
        # the parent's through fork: reading a string writes its reference count, and
        # that would copy every page of the texts into each worker. Frozen, the
        # parent's objects are also skipped by the workers' garbage collector.
        gc.freeze()
        try:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                return list(pool.imap(_count, chunks))
        finally:
            gc.unfreeze()

    def fit_transform(self, documents: Sequence[str], y=None) -> sparse.csr_matrix:
        return weigh_rows(self.fit_counts(documents).astype(np.float32), self.idf_)

    def fit_counts(self, documents: Sequence[str]) -> sparse.csr_matrix:
        """Fit the vocabulary and IDF; return the term counts (documents × terms, uint16).

        What the supplier index builds its posting lists from: two bytes a count where
        the weighted matrix would take four, at a million suppliers 80 MB less at the
        rebuild's peak.
        """
        parts = self._count_all(documents)
        terms = sorted(set().union(*(p[0] for p in parts)))
        position = {term: i for i, term in enumerate(terms)}
        n_documents = sum(len(p[1]) - 1 for p in parts)
        nnz = sum(len(p[2]) for p in parts)
        # One matrix filled part by part, each part let go once copied: no vstack copy.
        indptr = np.zeros(n_documents + 1, dtype=np.int64)
        indices = np.empty(nnz, dtype=np.int32)
        data = np.empty(nnz, dtype=np.uint16)
        row = at = 0
        while parts:
            local_terms, part_indptr, part_indices, part_counts = parts.pop(0)
            mapping = np.asarray([position[t] for t in local_terms], dtype=np.int32)
            size, rows = len(part_indices), len(part_indptr) - 1
            if size:
                indices[at : at + size] = mapping[part_indices]
                data[at : at + size] = part_counts
            indptr[row + 1 : row + rows + 1] = part_indptr[1:] + at
            row, at = row + rows, at + size
            del local_terms, part_indptr, part_indices, part_counts, mapping
        counts = sparse.csr_matrix((data, indices, indptr), shape=(n_documents, len(terms)))
        # Sums the counts of tokens sharing a term ('shirt', 'shirts'), sorting each row;
        # a profile's few thousand characters keep every sum far below 65,535.
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=len(terms))
        keep = np.flatnonzero(df >= self.min_df)
        if len(keep) < len(terms):
            counts = counts[:, keep]
            terms = [terms[i] for i in keep]
            df = df[keep]
        self.vocabulary_ = {term: i for i, term in enumerate(terms)}
        self.idf_ = (np.log((1 + n_documents) / (1 + df)) + 1).astype(np.float32)
        return counts.tocsr()

    def fit(self, documents: Sequence[str], y=None) -> "WordVectorizer":
        self.fit_transform(documents)
        return self

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        counts.sum_duplicates()
        return weigh_rows(counts, self.idf_)

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
