"""Reads of a user's saved supplier searches, and the search each stands for."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet

from matching.models import SavedSearch
from matching.search import FILTER_PARAMS, SupplierSearchFilters
from matching.selectors.requests import AnyUser

__all__ = [
    "saved_search_filters",
    "saved_search_get",
    "saved_search_list",
    "saved_search_params",
]

# SAVED SEARCHES
# ------------------------------------------------------------------------------


def saved_search_list(*, user: AnyUser) -> QuerySet[SavedSearch]:
    if not user.is_authenticated:
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(user=user).prefetch_related(
        Prefetch("hits", to_attr="hit_list")
    )


def saved_search_get(*, user: AnyUser, pk: Any) -> SavedSearch | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return saved_search_list(user=user).filter(pk=pk).first()


def saved_search_params(saved: SavedSearch) -> dict[str, Any]:
    """The search page's query parameters that run this saved search again."""
    params: dict[str, Any] = {"q": saved.query} if saved.query else {}
    stored: Mapping[str, Any] = saved.filters or {}
    for name, param in FILTER_PARAMS.items():
        value = stored.get(name, stored.get(param))
        if value in (None, "", [], (), False):
            continue
        if isinstance(value, bool):
            value = "1"
        params[param] = list(value) if isinstance(value, list | tuple) else value
    return params


def saved_search_filters(saved: SavedSearch) -> SupplierSearchFilters:
    """The stored filters as the search module's filters object, checked again."""
    return SupplierSearchFilters.from_stored(saved.filters or {})
