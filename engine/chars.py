"""Character n-gram similarity, for re-ranking a few hundred candidates.

Hashed ``char_wb`` 3–5-grams with IDF learnt on a sample of suppliers: typos,
word forms and non-Latin names still share most of their n-grams. Too heavy for
the first stage (about 18 times the non-zeros of words), cheap on 300 texts.
"""

import re

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from engine.text import normalise
from engine.thresholds import CHAR_IDF_SAMPLE, CHAR_TEXT_LIMIT

N_FEATURES = 2**20  # 4 MB of float32 IDF; collisions are rare at this width
NGRAM_RANGE = (3, 5)


def char_document(record) -> str:
    """What a supplier's n-grams are taken from: its names and the start of its own words."""
    return " ".join(
        part
        for part in (
            record.name,
            record.local_name,
            (record.description or "")[:CHAR_TEXT_LIMIT],
            (record.processes or "")[: CHAR_TEXT_LIMIT // 2],
        )
        if part
    )


_NON_WORD = re.compile(r"[\W_]+")
_MULTIPLIER = np.uint64(1_000_003)


def ngram_ids(text: str) -> np.ndarray:
    """Hashed 3-, 4- and 5-character n-grams of a text, as feature ids, with repeats.

    Words are separated by single spaces, so n-grams see word edges (as scikit-learn's
    ``char_wb`` does) and punctuation does not matter. Rolling the hash over the code
    points with NumPy keeps a few hundred candidate texts to milliseconds.
    """
    cleaned = " " + _NON_WORD.sub(" ", normalise(text)).strip() + " "
    points = np.frombuffer(cleaned.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts = []
    for n in range(NGRAM_RANGE[0], NGRAM_RANGE[1] + 1):
        width = len(points) - n + 1
        if width <= 0:
            continue
        hashed = np.full(width, np.uint64(n))
        for offset in range(n):
            hashed = hashed * _MULTIPLIER + points[offset : offset + width]
        parts.append(hashed % np.uint64(N_FEATURES))
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(parts).astype(np.int64)


def _counts(documents: list[str]) -> sparse.csr_matrix:
    indptr, indices, data = [0], [], []
    for document in documents:
        ids, counts = np.unique(ngram_ids(document), return_counts=True)
        indices.append(ids)
        data.append(counts)
        indptr.append(indptr[-1] + len(ids))
    return sparse.csr_matrix(
        (
            np.concatenate(data).astype(np.float32) if data else np.zeros(0, np.float32),
            np.concatenate(indices) if indices else np.zeros(0, np.int64),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(documents), N_FEATURES),
    )


def fit_idf(documents: list[str], *, seed: int = 0) -> np.ndarray:
    """Smoothed IDF of every hashed n-gram, from a sample of the documents."""
    if not documents:
        return np.ones(N_FEATURES, dtype=np.float32)
    rng = np.random.default_rng(seed)
    if len(documents) > CHAR_IDF_SAMPLE:
        picked = rng.choice(len(documents), size=CHAR_IDF_SAMPLE, replace=False)
        documents = [documents[i] for i in picked]
    counts = _counts(documents)
    df = np.bincount(counts.indices, minlength=N_FEATURES).astype(np.float32)
    n = max(len(documents), 1)
    return (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)


def vectors(documents: list[str], idf: np.ndarray) -> sparse.csr_matrix:
    counts = _counts(documents)
    # Sublinear tf times IDF, as for words, applied to the stored values directly.
    counts.data = ((1 + np.log(counts.data)) * idf[counts.indices]).astype(np.float32)
    return normalize(counts, norm="l2", copy=False).tocsr()


def similarities(query: str, documents: list[str], idf: np.ndarray) -> np.ndarray:
    """Cosine of the query's n-grams with each document's, in document order."""
    if not documents or not query.strip():
        return np.zeros(len(documents), dtype=np.float32)
    matrix = vectors([query, *documents], idf)
    return np.asarray((matrix[1:] @ matrix[0].T).toarray(), dtype=np.float32).ravel()
