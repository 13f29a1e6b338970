"""The compiled top-k returns exactly the baseline's top 20, with the same scores.

The index stores 16-bit weight levels; the baselines multiply the float32 weights
those levels stand for, so both sides score the same numbers."""

import random

import numpy as np
import pytest
from scipy import sparse
from sparse_dot_topn import sp_matmul_topn

from engine import SupplierIndex, SupplierRecord
from engine.postings import WEIGHT_SCALE, dequantized
from engine.topk import scipy_topk, topk_batch, topk_one

WORDS = [f"word{i}" for i in range(400)]


@pytest.fixture(scope="module")
def corpus():
    rng = random.Random(4)
    records = [
        SupplierRecord(
            id=i,
            name="",
            # Zipf-like: a few words everywhere, most rare, as in real profiles.
            description=" ".join(
                WORDS[min(int(rng.paretovariate(1.1)) - 1, 399)]
                for _ in range(rng.randint(30, 100))
            ),
        )
        for i in range(3000)
    ]
    index = SupplierIndex().fit(records)
    queries = index.vectorizer_.transform(
        [
            " ".join(
                WORDS[min(int(rng.paretovariate(1.1)) - 1, 399)] for _ in range(rng.randint(10, 40))
            )
            for _ in range(120)
        ]
    ).astype(np.float32)
    queries.sort_indices()
    return index.base_.postings, sparse.csr_matrix(queries)


def test_one_request_equals_the_sparse_product(corpus):
    postings, queries = corpus
    suppliers = dequantized(postings).T.tocsr()
    for q in range(queries.shape[0]):
        row = queries.getrow(q)
        rows, scores = topk_one(postings, row.indices, row.data, 20, scale=WEIGHT_SCALE)
        base_rows, base_scores = scipy_topk(suppliers, row, 20)
        assert rows.tolist() == base_rows.tolist()
        assert scores.tolist() == base_scores.tolist()


def test_batches_equal_one_at_a_time(corpus):
    postings, queries = corpus
    rows, scores = topk_batch(postings, queries, 20, scale=WEIGHT_SCALE)
    for q in range(queries.shape[0]):
        row = queries.getrow(q)
        one_rows, one_scores = topk_one(postings, row.indices, row.data, 20, scale=WEIGHT_SCALE)
        found = rows[q] >= 0
        assert rows[q][found].tolist() == one_rows.tolist()
        assert scores[q][found].tolist() == one_scores.tolist()


def test_batches_equal_sparse_dot_topn(corpus):
    postings, queries = corpus
    rows, scores = topk_batch(postings, queries, 20, scale=WEIGHT_SCALE)
    baseline = sp_matmul_topn(queries, dequantized(postings), top_n=20, sort=True)
    for q in range(queries.shape[0]):
        start, end = baseline.indptr[q], baseline.indptr[q + 1]
        expected = dict(
            zip(
                baseline.indices[start:end].tolist(), baseline.data[start:end].tolist(), strict=True
            )
        )
        got = {r: s for r, s in zip(rows[q].tolist(), scores[q].tolist(), strict=True) if r >= 0}
        assert got.keys() == expected.keys()
        assert np.allclose(list(got.values()), [expected[r] for r in got], rtol=1e-6)


def test_the_index_keeps_16_bit_weights_within_one_level_of_the_float_ones(corpus):
    postings, _ = corpus
    assert postings.dtype == np.uint16
    weights = dequantized(postings)
    # Each supplier's column still has unit length, to the precision of one level.
    lengths = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=0)).ravel())
    assert np.allclose(lengths[lengths > 0], 1.0, atol=1e-3)


def test_ties_at_the_kth_place_go_to_the_lower_row_as_in_the_baseline():
    # given ten rows with equal scores and two higher ones, more than k in all
    scores_of = np.array([0.5] * 10 + [0.9, 0.7], dtype=np.float32)
    postings = sparse.csr_matrix(scores_of.reshape(1, -1))
    # when
    rows, scores = topk_one(postings, np.array([0]), np.array([1.0], dtype=np.float32), 5)
    base_rows, base_scores = scipy_topk(postings.T.tocsr(), sparse.csr_matrix([[1.0]]), 5)
    # then
    assert rows.tolist() == [10, 11, 0, 1, 2] == base_rows.tolist()
    assert scores.tolist() == base_scores.tolist()


def test_fewer_matches_than_k_are_all_returned_and_the_buffer_is_left_clean(corpus):
    postings, _ = corpus
    rows, _ = topk_one(postings, np.array([0]), np.array([1.0], dtype=np.float32), 10**6)
    assert len(rows) == postings.indptr[1] - postings.indptr[0]
    again, _ = topk_batch(postings, sparse.csr_matrix(np.eye(2, postings.shape[0])), 10**4)
    assert (again[0] >= 0).sum() == len(rows)


def test_rows_beyond_one_block_rank_as_in_the_sparse_product():
    # given postings over more rows than one block of the accumulator holds
    from engine.topk import BLOCK_ROWS

    rng = np.random.default_rng(11)
    n_rows, n_terms = 2 * BLOCK_ROWS + 1234, 30
    lengths = rng.integers(1, 40_000, size=n_terms)
    lengths[0] = n_rows  # one term everywhere, so every block has scores
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.concatenate([np.sort(rng.choice(n_rows, n, replace=False)) for n in lengths])
    levels = rng.integers(1, 65535, size=len(indices)).astype(np.uint16)
    postings = sparse.csr_matrix((levels, indices.astype(np.int32), indptr), (n_terms, n_rows))
    queries = sparse.random(
        40, n_terms, density=0.3, format="csr", random_state=3, dtype=np.float32
    )
    queries.sort_indices()
    suppliers = dequantized(postings).T.tocsr()
    # when / then
    for q in range(queries.shape[0]):
        row = queries.getrow(q)
        rows, scores = topk_one(postings, row.indices, row.data, 20, scale=WEIGHT_SCALE)
        base_rows, base_scores = scipy_topk(suppliers, row, 20)
        assert rows.tolist() == base_rows.tolist()
        assert scores.tolist() == base_scores.tolist()
    batch_rows, _ = topk_batch(postings, queries, 20, scale=WEIGHT_SCALE)
    for q in range(queries.shape[0]):
        row = queries.getrow(q)
        one_rows, _ = topk_one(postings, row.indices, row.data, 20, scale=WEIGHT_SCALE)
        assert batch_rows[q][batch_rows[q] >= 0].tolist() == one_rows.tolist()
