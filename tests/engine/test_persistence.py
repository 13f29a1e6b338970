"""A fitted index survives being written and read back, and refuses anything else."""

import io
import pickle

import pytest

from engine import Query, SupplierIndex
from engine.records import SupplierRecord


def test_a_stored_index_ranks_exactly_as_the_one_that_was_fitted(records, taxonomy):
    # given a fitted index with a changed supplier in its delta
    index = SupplierIndex(taxonomy=taxonomy).fit(records)
    changed = SupplierRecord(id="late", name="Late Knit", description="organic cotton jersey")
    index.update([changed])
    handle = io.BytesIO()
    # when
    index.dump(handle)
    handle.seek(0)
    loaded = SupplierIndex.load(handle)
    # then
    for text in ("cotton t-shirts", "surgical instruments", "organic jersey"):
        assert loaded.search(Query(text=text)) == index.search(Query(text=text))
    assert loaded.matched_words("organic jersey", "late") == ["organic", "jersey"]


def test_loading_something_that_is_not_an_index_is_refused():
    handle = io.BytesIO(pickle.dumps({"not": "an index"}))
    with pytest.raises(TypeError, match="Not a supplier index"):
        SupplierIndex.load(handle)
