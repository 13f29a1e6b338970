"""Writing a fitted supplier index, and the changes made to it since, to storage and back.

Two kinds of artifact, each a pickle:

- an index: the whole fitted ``SupplierIndex``, base and delta segments included;
- a delta: the suppliers changed since a base was fitted (``SupplierIndex.changes``),
  as ``{"records": [SupplierRecord, ...], "removed": {id, ...}}``. It holds records,
  not segments, so it is indexed again on whatever copy of the base loads it and
  stays small however large the base is.

An index loaded back ranks exactly as the one that was written, and a base loaded
back with a delta applied (``index.update(delta.records, removed_ids=delta.removed_ids)``)
ranks exactly as the index the delta was taken from. The layout above is the one
artifacts already in storage were written with; keep it readable when it changes.

Pickles run code when they are read: load only artifacts this platform wrote into
its own storage, never anything a user uploaded.
"""

import pickle  # nosec B403  # only the platform's own index artifacts are read
from typing import IO

from sklearn.utils.validation import check_is_fitted

from engine.index import IndexDelta, SupplierIndex

__all__ = ["IndexDelta", "dump_delta", "dump_index", "load_delta", "load_index"]


def dump_index(index: SupplierIndex, handle: IO[bytes]) -> None:
    """Write a fitted index, with its pending changes, to a binary handle."""
    check_is_fitted(index, "base_")
    pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load_index(handle: IO[bytes]) -> SupplierIndex:
    """Read an index written by ``dump_index``; anything else is refused."""
    index = pickle.load(handle)  # noqa: S301  # nosec B301  # the platform's own artifacts only
    if not isinstance(index, SupplierIndex):
        raise TypeError("Not a supplier index artifact")
    return index


def dump_delta(delta: IndexDelta, handle: IO[bytes]) -> None:
    """Write the changes of an index (``SupplierIndex.changes``) to a binary handle."""
    payload = {"records": list(delta.records), "removed": set(delta.removed_ids)}
    pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)


def load_delta(handle: IO[bytes]) -> IndexDelta:
    """Read changes written by ``dump_delta``; anything else is refused."""
    payload = pickle.load(handle)  # noqa: S301  # nosec B301  # the platform's own artifacts only
    if not isinstance(payload, dict) or not {"records", "removed"} <= payload.keys():
        raise TypeError("Not a supplier index delta artifact")
    return IndexDelta(records=tuple(payload["records"]), removed_ids=frozenset(payload["removed"]))
