"""A fitted index survives being written and read back, whole or as a base and its
changes, and the loaders refuse anything else."""

import io
import pickle

import pytest

from engine import Query, SupplierIndex
from engine.matcher import match_request
from engine.persistence import dump_delta, dump_index, load_delta, load_index
from engine.records import RequestRecord, SupplierRecord
from tests.engine.conftest import TODAY

QUERIES = ("cotton t-shirts", "surgical instruments", "organic jersey", "teak")


def _written_and_read(dump, load, value):
    handle = io.BytesIO()
    dump(value, handle)
    handle.seek(0)
    return load(handle)


def _ranking(index: SupplierIndex, records: list[SupplierRecord]):
    """What a buyer sees from the index: search pages and a matched request."""
    by_id = {r.id: r for r in records}
    searches = [index.search(Query(text=text)) for text in QUERIES]
    request = RequestRecord(id="r1", title="Organic cotton jersey", hs_codes=["6109"], today=TODAY)
    result = match_request(index, request, lambda ids: {i: by_id[i] for i in ids if i in by_id})
    matched = [(s.supplier_id, s.score, s.explanation) for s in result.proposals]
    return searches, matched


@pytest.fixture
def changed(records) -> tuple[list[SupplierRecord], SupplierRecord]:
    late = SupplierRecord(id="late", name="Late Knit", description="organic cotton jersey")
    return [*records, late], late


def test_a_stored_index_ranks_exactly_as_the_one_that_was_fitted(records, taxonomy, changed):
    # given a fitted index with a changed supplier in its delta
    every, late = changed
    index = SupplierIndex(taxonomy=taxonomy).fit(records)
    index.update([late])
    # when
    loaded = _written_and_read(dump_index, load_index, index)
    # then
    assert _ranking(loaded, every) == _ranking(index, every)
    assert loaded.matched_words("organic jersey", "late") == ["organic", "jersey"]


def test_a_stored_base_and_its_stored_changes_rank_exactly_as_the_updated_index(
    records, taxonomy, changed
):
    # given an index with one supplier added and one removed since it was fitted
    every, late = changed
    index = SupplierIndex(taxonomy=taxonomy).fit(records)
    base = _written_and_read(dump_index, load_index, index)
    index.update([late], removed_ids=["furniture"])
    # when only the changes are written, and applied to the base read back
    delta = _written_and_read(dump_delta, load_delta, index.changes())
    loaded = base.update(delta.records, removed_ids=delta.removed_ids)
    # then
    assert delta.records == (late,)
    assert delta.removed_ids == {"furniture"}
    assert _ranking(loaded, every) == _ranking(index, every)
    assert loaded.search(Query(text="teak"))[0] == []


def test_a_copy_takes_changes_without_touching_the_index_it_came_from(records, taxonomy):
    # given a fitted index, and a supplier in words the index already knows
    late = SupplierRecord(id="late", name="Jersey Knits", description="cotton jersey cardigans")
    every = [*records, late]
    index = SupplierIndex(taxonomy=taxonomy).fit(records)
    before = _ranking(index, every)
    # when a copy is updated
    copied = index.copy().update([late], removed_ids=["furniture"])
    # then the original ranks as before, and the copy without its changes ranks as the base
    assert _ranking(index, every) == before
    assert _ranking(copied, every) != before
    assert _ranking(copied.without_changes(), every) == before
    assert index.changes().records == ()
    assert copied.changes().records == (late,)


def test_loading_something_that_is_not_an_index_is_refused():
    handle = io.BytesIO(pickle.dumps({"not": "an index"}))
    with pytest.raises(TypeError, match="Not a supplier index"):
        load_index(handle)


def test_loading_something_that_is_not_a_delta_is_refused(records, taxonomy):
    handle = io.BytesIO()
    dump_index(SupplierIndex(taxonomy=taxonomy).fit(records), handle)
    handle.seek(0)
    with pytest.raises(TypeError, match="Not a supplier index delta"):
        load_delta(handle)
