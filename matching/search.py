"""Supplier search for buyers: the engine ranks, the database supplies the rows.

A search is a request made of the typed words and filters, so search and matching
rank alike. Filters are hard: a supplier that fails one is not in the results.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from clusters.models import Cluster
from clusters.selectors import clusters_managed_by
from companies import validation
from companies.models import (
    CertificationScheme,
    Organisation,
    ProductLine,
    Unit,
    User,
)
from companies.permissions import is_staff_user
from companies.selectors import valid_certifications
from engine import Query
from engine.thresholds import MAX_RESULTS, MAX_SEARCH_PAGE_SIZE, SEARCH_PAGE_SIZE
from matching import regions
from matching.index_store import cluster_code, code_taxonomy, current_index, day_number
from matching.models import SavedSearch, max_length_of
from sme_platform.errors import ApplicationError

# A search's words are what a saved search keeps of it.
MAX_QUERY_LENGTH = max_length_of(SavedSearch, "query")
_TRUE = {"1", "true", "yes", "on"}
# No membership is indexed under this code.
_NO_CLUSTER = "none"

# SupplierSearchFilters field -> the query parameter the search page and API take.
FILTER_PARAMS = {
    "countries": "country",
    "subregions": "subregion",
    "hs_code": "hs_code",
    "isic_code": "isic_code",
    "certification": "certification",
    "min_capacity": "min_capacity",
    "capacity_unit": "unit",
    "verified_only": "verified_only",
    "cluster": "cluster",
}


@dataclass(frozen=True)
class SupplierSearchFilters:
    countries: tuple[str, ...] = ()
    subregions: tuple[str, ...] = ()
    hs_code: str = ""
    isic_code: str = ""
    certification: str = ""
    min_capacity: int | None = None
    capacity_unit: str = ""
    verified_only: bool = False
    cluster: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "SupplierSearchFilters":
        """Validated filters from query parameters or a saved search; field-level errors."""
        errors: dict[str, list[str]] = {}

        def many(name: str) -> list[str]:
            getlist = getattr(params, "getlist", None)
            raw = getlist(name) if getlist else params.get(name) or []
            if isinstance(raw, str):
                raw = [raw]
            return [p.strip() for item in raw for p in str(item).split(",") if p.strip()]

        countries: list[str] = []
        try:
            countries = validation.clean_countries(many("country"), field="country")
        except ValidationError as exc:
            errors.update(exc.message_dict)
        subregions = many("subregion")
        unknown = [s for s in subregions if not regions.is_subregion(s)]
        if unknown:
            errors["subregion"] = [f"Unknown subregion: {', '.join(unknown)}."]
        hs_code = validation.normalise_code(params.get("hs_code") or "")
        if hs_code:
            try:
                validation.clean_hs_codes([hs_code], field="hs_code")
            except ValidationError as exc:
                errors.update(exc.message_dict)
        isic_code = validation.normalise_code(params.get("isic_code") or "")
        if isic_code:
            try:
                validation.clean_isic_codes([isic_code], field="isic_code")
            except ValidationError as exc:
                errors.update(exc.message_dict)
        certification = (params.get("certification") or "").strip()
        if certification and not CertificationScheme.objects.filter(code=certification).exists():
            errors["certification"] = [f"Unknown certification: {certification}."]
        min_capacity = None
        raw_capacity = params.get("min_capacity")
        if raw_capacity not in (None, ""):
            try:
                min_capacity = int(raw_capacity)
                # Past a 64-bit column no supplier can have it, and the database refuses it.
                if not 0 <= min_capacity < 2**63:
                    raise ValueError
            except (TypeError, ValueError):
                errors["min_capacity"] = ["Give a whole number of zero or more."]
        unit = (params.get("unit") or params.get("capacity_unit") or "").strip()
        if unit and unit not in Unit.values:
            errors["unit"] = [f"Choose one of: {', '.join(Unit.values)}."]
        cluster = str(params.get("cluster") or "").strip()
        if cluster in ("any", "*"):
            cluster = "*"
        elif cluster and not (
            cluster.isdigit()
            and Cluster.objects.filter(pk=int(cluster), status=Cluster.Status.APPROVED).exists()
        ):
            errors["cluster"] = ["Unknown cluster: choose one from the list, or any cluster."]
        verified = params.get("verified_only")
        verified_only = verified is True or str(verified).lower() in _TRUE
        if errors:
            raise ApplicationError("Validation error", errors)
        return cls(
            countries=tuple(countries),
            subregions=tuple(subregions),
            hs_code=hs_code,
            isic_code=isic_code,
            certification=certification,
            min_capacity=min_capacity,
            capacity_unit=unit,
            verified_only=verified_only,
            cluster=cluster,
        )

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> "SupplierSearchFilters":
        """Filters kept by ``as_dict`` (or by their parameter names), checked again: a code
        since withdrawn from the catalogue is an error, as in a search."""
        return cls.from_params({FILTER_PARAMS.get(name, name): v for name, v in stored.items()})

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["countries"] = list(self.countries)
        data["subregions"] = list(self.subregions)
        return {k: v for k, v in data.items() if v not in ("", (), [], None, False)}

    def cluster_codes(self, viewer: User | None) -> tuple[str, ...]:
        """The indexed memberships the cluster filter asks for, as ``viewer`` may see them:
        everyone sees the members listed publicly; a cluster's managers and staff also
        see those that chose not to be listed."""
        if not self.cluster:
            return ()
        if self.cluster == "*":
            cluster_ids = list(Cluster.objects.values_list("pk", flat=True))
        else:
            cluster_ids = [int(self.cluster)]
        if is_staff_user(viewer):
            sees_unlisted = set(cluster_ids)
        elif viewer is not None:
            sees_unlisted = set(
                clusters_managed_by(user=viewer)
                .filter(pk__in=cluster_ids)
                .values_list("pk", flat=True)
            )
        else:
            sees_unlisted = set()
        codes = [cluster_code(pk, listed=True) for pk in cluster_ids]
        codes += [cluster_code(pk, listed=False) for pk in sorted(sees_unlisted)]
        # An empty list would filter nothing; a code no membership has filters out all.
        return tuple(codes) or (_NO_CLUSTER,)

    def to_query(self, text: str, *, exclude_ids: tuple = (), viewer: User | None = None) -> Query:
        wanted = regions.countries_of(
            countries=list(self.countries), subregion_slugs=list(self.subregions)
        )
        return Query(
            text=text[:MAX_QUERY_LENGTH],
            hs_codes=(self.hs_code,) if self.hs_code else (),
            isic_codes=(self.isic_code,) if self.isic_code else (),
            certifications=(self.certification,) if self.certification else (),
            countries=tuple(sorted(wanted)),
            min_capacity=self.min_capacity,
            unit=self.capacity_unit,
            verified_only=self.verified_only,
            clusters=self.cluster_codes(viewer),
            today=day_number(timezone.localdate()),
            exclude_ids=exclude_ids,
        )


@dataclass
class SearchHit:
    organisation: Organisation
    score: float
    matched_words: list[str]
    matched_codes: list[str]
    products: list[str] = field(default_factory=list)  # "HS 610910 T-shirts ..."
    certifications: list[str] = field(default_factory=list)  # valid ones, by name


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        shown = min(self.total, MAX_RESULTS)
        return max(1, -(-shown // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass
class _Facts:
    """What a result shows besides the organisation, read as plain values."""

    hs: dict[str, str] = field(default_factory=dict)
    isic: dict[str, str] = field(default_factory=dict)
    certs: list[tuple[str, str, date]] = field(default_factory=list)


def _facts(ids: list[int], *, with_isic: bool) -> dict[int, _Facts]:
    facts: dict[int, _Facts] = defaultdict(_Facts)
    through = Organisation.hs_codes.through.objects.filter(organisation_id__in=ids)
    for org_id, code, title in through.values_list(
        "organisation_id", "hscode_id", "hscode__description"
    ):
        facts[org_id].hs[code] = title
    lines = ProductLine.objects.filter(organisation_id__in=ids)
    for org_id, code, title in lines.values_list(
        "organisation_id", "hs_code_id", "hs_code__description"
    ):
        facts[org_id].hs[code] = title
    if with_isic:
        isic = Organisation.isic_codes.through.objects.filter(organisation_id__in=ids)
        for org_id, code, title in isic.values_list(
            "organisation_id", "isiccode_id", "isiccode__description"
        ):
            facts[org_id].isic[code] = title
    certs = valid_certifications().filter(organisation_id__in=ids)
    for org_id, scheme, name, until in certs.values_list(
        "organisation_id", "scheme_id", "scheme__name", "valid_until"
    ):
        facts[org_id].certs.append((scheme, name, until))
    return facts


def _matched_codes(facts: _Facts, filters: SupplierSearchFilters) -> list[str]:
    """The supplier's codes and certificates that the filters asked for, in words."""
    found: list[str] = []
    if filters.hs_code:
        found += [
            f"HS {code} {title}"
            for code, title in sorted(facts.hs.items())
            if code.startswith(filters.hs_code)
        ]
    if filters.isic_code:
        taxonomy = code_taxonomy()
        found += [
            f"ISIC {code} {title}"
            for code, title in sorted(facts.isic.items())
            if filters.isic_code in taxonomy.isic_levels(code)
        ]
        for code in sorted(facts.hs):
            for cls in taxonomy.isic_of_hs(code):
                if filters.isic_code in taxonomy.isic_levels(cls):
                    found.append(f"HS {code} is made under ISIC {cls}")
                    break
    if filters.certification:
        found += [
            f"{name} held, valid until {until:%Y-%m-%d}"
            for scheme, name, until in facts.certs
            if scheme == filters.certification
        ]
    return found


def supplier_search(
    *,
    user: User | None,
    query: str,
    filters: SupplierSearchFilters,
    page: int = 1,
    page_size: int = SEARCH_PAGE_SIZE,
) -> SearchPage:
    """A page of suppliers ranked by relevance to the words, each with why it matched."""
    page = max(1, page)
    page_size = max(1, min(page_size, MAX_SEARCH_PAGE_SIZE))
    exclude = (user.organisation_id,) if user is not None and user.organisation_id else ()
    engine_query = filters.to_query(query or "", exclude_ids=exclude, viewer=user)
    index = current_index()
    ids, scores, total = index.search(engine_query, offset=(page - 1) * page_size, limit=page_size)
    by_id = {org.pk: org for org in Organisation.objects.filter(pk__in=ids)}
    facts = _facts(ids, with_isic=bool(filters.isic_code))
    hits = []
    for org_id, score in zip(ids, scores, strict=True):
        org = by_id.get(org_id)
        if org is None:  # removed since the index version was written
            continue
        fact = facts[org_id]
        hits.append(
            SearchHit(
                organisation=org,
                score=round(score, 4),
                matched_words=index.matched_words(query, org_id) if query else [],
                matched_codes=_matched_codes(fact, filters),
                products=[f"HS {code} {title}" for code, title in sorted(fact.hs.items())],
                certifications=sorted({name for _, name, _ in fact.certs}),
            )
        )
    return SearchPage(hits=hits, total=total, page=page, page_size=page_size)


def supplier_matches(
    *, supplier_id: int, query: str, filters: SupplierSearchFilters, viewer: User | None = None
) -> bool:
    """Whether one supplier would be found by ``viewer``'s search (saved searches ask this)."""
    return current_index().matches(filters.to_query(query or "", viewer=viewer), supplier_id)
