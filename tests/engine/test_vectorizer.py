"""The word TF-IDF weighs like scikit-learn's, and its parallel fit changes nothing."""

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from engine import vectorizer
from engine.text import analyse
from engine.vectorizer import WordVectorizer

WORDS = "cotton jersey shirts shirt knitted dyeing polo denim organic printing sewing".split()


@pytest.fixture(scope="module")
def documents():
    rng = random.Random(3)
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40))) for _ in range(900)]
    return [*texts, "ผ้าฝ้าย Công ty dệt kim T-shirts", ""]


def test_weights_equal_scikit_learn_with_the_same_analyser(documents):
    ours = WordVectorizer().fit_transform(documents)
    theirs = TfidfVectorizer(sublinear_tf=True, analyzer=analyse, dtype=np.float32)
    reference = theirs.fit_transform(documents)
    # same terms in both vocabularies; map ours onto theirs
    ours_vocab = WordVectorizer().fit(documents).vocabulary_
    assert set(ours_vocab) == set(theirs.vocabulary_)
    order = [ours_vocab[t] for t in sorted(theirs.vocabulary_, key=theirs.vocabulary_.get)]
    assert np.allclose(ours[:, order].toarray(), reference.toarray(), atol=1e-6)


def test_fitting_in_worker_processes_gives_the_same_index(documents, monkeypatch):
    alone = WordVectorizer(n_jobs=1).fit_transform(documents)
    monkeypatch.setattr(vectorizer, "PARALLEL_MIN_DOCUMENTS", 10)
    monkeypatch.setattr(vectorizer, "CHUNK_DOCUMENTS", 97)  # chunks end mid-way, unevenly
    fitted = WordVectorizer(n_jobs=2)
    together = fitted.fit_transform(documents)
    assert fitted.vocabulary_ == WordVectorizer(n_jobs=1).fit(documents).vocabulary_
    assert (alone != together).nnz == 0


def test_a_query_is_weighed_like_the_fitted_documents(documents):
    fitted = WordVectorizer()
    matrix = fitted.fit_transform(documents)
    again = fitted.transform(documents[:50])
    assert np.allclose(again.toarray(), matrix[:50].toarray(), atol=1e-7)


def test_posting_lists_from_counts_equal_those_of_the_weighted_matrix(documents):
    from engine.postings import term_major_levels, term_major_levels_from_counts

    fitted = WordVectorizer()
    counts = fitted.fit_counts(documents)
    direct = term_major_levels_from_counts(counts, fitted.idf_)
    via_weights = term_major_levels(fitted.fit_transform(documents))
    assert direct.dtype == via_weights.dtype == np.uint16
    assert (direct != via_weights).nnz == 0
    assert direct.indptr.tolist() == via_weights.indptr.tolist()
