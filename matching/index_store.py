"""Builds, stores and loads versions of the engine's supplier index.

Artifacts go through Django's storage API, in the private ``engine`` storage of
settings.STORAGES (a directory outside MEDIA_ROOT by default, object storage when
deployed on several machines) and each is recorded as an
``EngineIndexVersion``. A delta version holds every supplier changed since its
base, so a process needs only the base and the newest delta. One writer at a time
(a database lock on PostgreSQL, a process lock everywhere).
"""

import logging
import tempfile
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from typing import IO, TypeVar

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection, transaction

from clusters.models import ClusterMembership
from companies.models import (
    Certification,
    HsCode,
    HsIsicLink,
    IsicCode,
    Organisation,
    ProductLine,
)
from engine import CodeTaxonomy, SupplierIndex, SupplierRecord, persistence
from engine.records import CertificationRecord, ProductLineRecord
from matching.models import EngineIndexVersion

logger = logging.getLogger(__name__)

_ADVISORY_LOCK_KEY = 7_340_211  # any constant shared by every writer of the index
_EPOCH = date(1970, 1, 1)
_write_lock = threading.Lock()
_T = TypeVar("_T")
_load_lock = threading.Lock()


def day_number(day: date) -> int:
    return (day - _EPOCH).days


def code_taxonomy() -> CodeTaxonomy:
    """Titles and concordance from the database, loaded once per process."""
    taxonomy = _cached_taxonomy()
    if not taxonomy.hs_titles:
        # Taxonomies not loaded yet: do not keep the empty answer.
        _cached_taxonomy.cache_clear()
    return taxonomy


@lru_cache(maxsize=1)
def _cached_taxonomy() -> CodeTaxonomy:
    hs_to_isic: dict[str, list[str]] = defaultdict(list)
    for hs, isic in HsIsicLink.objects.values_list("hs_code_id", "isic_code_id"):
        hs_to_isic[hs].append(isic)
    isic_rows = list(IsicCode.objects.values_list("code", "description", "parent_id"))
    return CodeTaxonomy(
        hs_titles=dict(HsCode.objects.values_list("code", "description")),
        isic_titles={code: desc for code, desc, _ in isic_rows},
        hs_to_isic=dict(hs_to_isic),
        isic_parent={code: parent for code, _, parent in isic_rows if len(code) == 2 and parent},
    )


def cluster_code(cluster_id: int, *, listed: bool) -> str:
    """How a membership is indexed: a member that chose not to be listed publicly is
    kept apart, so only those allowed to see it ask for its code."""
    return str(cluster_id) if listed else f"unlisted-{cluster_id}"


def supplier_records(organisation_ids: Iterable[int] | None = None) -> list[SupplierRecord]:
    """Plain records of SME suppliers, in a handful of queries whatever their number.

    Only claimed profiles: search, matching, near-misses and saved-search alerts all
    read the index, so an imported profile no firm has claimed stays out of all four.
    """
    orgs = Organisation.objects.claimed().filter(kind=Organisation.Kind.SUPPLIER)
    if organisation_ids is not None:
        orgs = orgs.filter(pk__in=list(organisation_ids))
    ids = orgs.values("pk")
    hs = defaultdict(list)
    for org_id, code in Organisation.hs_codes.through.objects.filter(
        organisation_id__in=ids
    ).values_list("organisation_id", "hscode_id"):
        hs[org_id].append(code)
    isic = defaultdict(list)
    for org_id, code in Organisation.isic_codes.through.objects.filter(
        organisation_id__in=ids
    ).values_list("organisation_id", "isiccode_id"):
        isic[org_id].append(code)
    certs = defaultdict(list)
    for org_id, scheme, name, until in (
        Certification.objects.filter(organisation_id__in=ids)
        .exclude(status=Certification.Status.REJECTED)
        .values_list("organisation_id", "scheme_id", "scheme__name", "valid_until")
    ):
        certs[org_id].append(CertificationRecord(scheme, name, day_number(until)))
    lines = defaultdict(list)
    for org_id, code, capacity, unit in ProductLine.objects.filter(
        organisation_id__in=ids
    ).values_list("organisation_id", "hs_code_id", "monthly_capacity", "unit"):
        lines[org_id].append(ProductLineRecord(code, float(capacity), unit))
    clusters = defaultdict(list)
    for org_id, cluster_id, listed in ClusterMembership.objects.filter(
        supplier_id__in=ids, status=ClusterMembership.Status.ACTIVE
    ).values_list("supplier_id", "cluster_id", "listed_publicly"):
        clusters[org_id].append(cluster_code(cluster_id, listed=listed))
    records = []
    for row in orgs.values(
        "pk", "legal_name", "local_name", "description", "processes", "country", "verification"
    ).order_by("pk"):
        pk = row["pk"]
        records.append(
            SupplierRecord(
                id=pk,
                name=row["legal_name"],
                local_name=row["local_name"],
                description=row["description"],
                processes=row["processes"],
                country=row["country"],
                hs_codes=hs[pk],
                isic_codes=isic[pk],
                certifications=certs[pk],
                product_lines=lines[pk],
                verified=row["verification"] == Organisation.Verification.VERIFIED,
                clusters=clusters[pk],
            )
        )
    return records


def _artifacts() -> Storage:
    # Looked up at each use so that a change of STORAGES (tests) takes effect.
    return storages["engine"]


def _store(write: Callable[[IO[bytes]], None], kind: str) -> tuple[str, int]:
    with tempfile.TemporaryFile() as handle:
        write(handle)
        size = handle.tell()
        handle.seek(0)
        name = _artifacts().save(f"engine/{kind}-{uuid.uuid4().hex}.pkl", File(handle))
    return name, size


def _lock_writers() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def index_build_full() -> EngineIndexVersion:
    """Fit a new index on every supplier and record it as the newest version."""
    with _write_lock, transaction.atomic():
        _lock_writers()
        version, index = _fit_and_store_full()
    _remember(version, index)
    return version


def _fit_and_store_full() -> tuple[EngineIndexVersion, SupplierIndex]:
    index = SupplierIndex(taxonomy=code_taxonomy()).fit(supplier_records())
    name, size = _store(partial(persistence.dump_index, index), "full")
    version = EngineIndexVersion.objects.create(
        kind=EngineIndexVersion.Kind.FULL,
        artifact=name,
        supplier_count=index.n_suppliers,
        size_bytes=size,
    )
    return version, index


def index_apply_changes(supplier_ids: Iterable[int]) -> EngineIndexVersion:
    """Record changed, new or removed suppliers as a delta on the newest full build."""
    supplier_ids = list(supplier_ids)
    with _write_lock, transaction.atomic():
        _lock_writers()
        newest = EngineIndexVersion.objects.order_by("-id").first()
        if newest is None:
            version, index = _fit_and_store_full()
        else:
            index = _load_version(newest)
            present = supplier_records(supplier_ids)
            gone = set(supplier_ids) - {r.id for r in present}
            index.update(present, removed_ids=gone)
            base = _base_of(newest)
            name, size = _store(partial(persistence.dump_delta, index.changes()), "delta")
            version = EngineIndexVersion.objects.create(
                kind=EngineIndexVersion.Kind.DELTA,
                base=base,
                artifact=name,
                supplier_count=index.n_suppliers,
                size_bytes=size,
            )
    _remember(version, index)
    return version


# LOADING
# ------------------------------------------------------------------------------


@dataclass
class _Loaded:
    artifact: str
    base_artifact: str
    index: SupplierIndex


_current: _Loaded | None = None


def _base_of(version: EngineIndexVersion) -> EngineIndexVersion:
    if version.kind == EngineIndexVersion.Kind.FULL:
        return version
    if version.base is None:
        raise ValueError(f"Delta version {version.pk} has no base")
    return version.base


def _remember(version: EngineIndexVersion, index: SupplierIndex) -> None:
    global _current
    _current = _Loaded(version.artifact, _base_of(version).artifact, index)


def _load_version(version: EngineIndexVersion) -> SupplierIndex:
    """The index as of a version: its base, plus its delta if it is one."""
    current = _current
    if current is not None and current.artifact == version.artifact:
        return current.index.copy()
    if version.kind == EngineIndexVersion.Kind.FULL:
        return _read(version.artifact, persistence.load_index)
    base = _base_of(version)
    if current is not None and current.base_artifact == base.artifact:
        index = current.index.without_changes()
    else:
        index = _read(base.artifact, persistence.load_index)
    delta = _read(version.artifact, persistence.load_delta)
    return index.update(delta.records, removed_ids=delta.removed_ids)


def _read(name: str, load: Callable[[IO[bytes]], _T]) -> _T:
    with _artifacts().open(name, "rb") as handle:
        try:
            return load(handle)
        except TypeError as exc:
            raise TypeError(f"{name}: {exc}") from exc


def current_index() -> SupplierIndex:
    """The newest index version, loaded lazily and swapped in whole."""
    global _current
    newest = EngineIndexVersion.objects.select_related("base").order_by("-id").first()
    if newest is None:
        index_build_full()
        newest = EngineIndexVersion.objects.select_related("base").order_by("-id").first()
        if newest is None:
            raise RuntimeError("The index build recorded no version")
    current = _current
    if current is not None and current.artifact == newest.artifact:
        return current.index
    with _load_lock:
        current = _current
        if current is not None and current.artifact == newest.artifact:
            return current.index
        index = _load_version(newest)
        _remember(newest, index)
        return index


def forget_loaded_index() -> None:
    """Drop the process's loaded index (tests, and after a storage change)."""
    global _current
    _current = None


def current_version() -> EngineIndexVersion | None:
    return EngineIndexVersion.objects.order_by("-id").first()
