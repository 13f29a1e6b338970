"""The engine index as versioned artifacts: a full build, deltas on top of it, and a
process that loads the newest version from storage as another process wrote it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages

from engine import Query
from matching import index_store
from matching.models import EngineIndexVersion
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


def _ids(index, text):
    ids, _, _ = index.search(Query(text=text))
    return ids


def test_a_change_is_a_delta_on_the_full_build_that_another_process_loads():
    # given a full build over two suppliers
    knit = SupplierFactory(description="cotton jersey t-shirts")
    SupplierFactory(description="stainless steel forceps")
    index_store.forget_loaded_index()
    full = index_store.index_build_full()
    # when one supplier changes and its change is recorded
    knit.description = "bamboo fibre socks"
    knit.save()
    delta = index_store.index_apply_changes([knit.pk])
    # then the delta stands on the full build, and a process starting afresh reads it
    assert (full.kind, delta.kind) == ("full", "delta")
    assert delta.base_id == full.pk
    assert list(EngineIndexVersion.objects.order_by("id")) == [full, delta]
    index_store.forget_loaded_index()
    fresh = index_store.current_index()
    assert _ids(fresh, "bamboo socks") == [knit.pk]
    assert _ids(fresh, "jersey t-shirts") == []


def test_a_removed_supplier_is_gone_from_the_next_version():
    gone = SupplierFactory(description="leather sandals")
    index_store.forget_loaded_index()
    index_store.index_build_full()
    gone_id = gone.pk
    gone.delete()  # which empties gone.pk
    index_store.index_apply_changes([gone_id])
    index_store.forget_loaded_index()
    assert _ids(index_store.current_index(), "leather sandals") == []


def test_the_loaded_index_is_swapped_only_when_a_newer_version_exists():
    SupplierFactory(description="rattan furniture")
    index_store.forget_loaded_index()
    index_store.index_build_full()
    first = index_store.current_index()
    assert index_store.current_index() is first  # no new version: the same object
    index_store.index_apply_changes([])
    assert index_store.current_index() is not first


def test_artifacts_are_kept_in_the_private_engine_storage_outside_media():
    SupplierFactory(description="cotton jersey t-shirts")
    version = index_store.index_build_full()
    engine_root = Path(settings.STORAGES["engine"]["OPTIONS"]["location"]).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()

    stored = (engine_root / version.artifact).resolve()

    assert stored.is_file()
    assert not stored.is_relative_to(media_root)
    assert not engine_root.is_relative_to(media_root)
    assert not any(media_root.rglob("*.pkl"))
    assert storages["engine"].exists(version.artifact)
