"""What matching offers the apps above it (listed in the README's "Hooks between layers").

Signals tell a higher app that something happened; registries let it add to an
answer only it has (who else may read a request, what else a page shows). Higher
apps fill the registries from their ``receivers`` module at start-up.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.dispatch import Signal

# A request was matched (or, no longer open, had its proposals closed): the
# consortia app drafts or closes its consortia. Arguments: request.
request_matched = Signal()

# Requests closed or expired. Arguments: request_ids.
requests_closed = Signal()

RequestIdsGrant = Callable[[Any], Iterable[int]]
PageContext = Callable[..., dict[str, Any]]

_request_visibility_grants: list[RequestIdsGrant] = []
_request_page_contexts: list[PageContext] = []
_supplier_proposals_page_contexts: list[PageContext] = []


def grant_request_visibility(grant: RequestIdsGrant) -> RequestIdsGrant:
    """Register ``grant(user) -> request ids`` the user may read besides the usual ones
    (a consortium's members and its cluster's managers read its request)."""
    _request_visibility_grants.append(grant)
    return grant


def request_ids_granted_to(user: Any) -> list[Iterable[int]]:
    """What each grant lets the user read (ids, or a subquery of ids)."""
    return [grant(user) for grant in _request_visibility_grants]


def add_to_request_page(context: PageContext) -> PageContext:
    """Register ``context(user=..., sourcing_request=...) -> dict`` for the request page."""
    _request_page_contexts.append(context)
    return context


def add_to_supplier_proposals_page(context: PageContext) -> PageContext:
    """Register ``context(user=...) -> dict`` for a supplier's "My proposals" page."""
    _supplier_proposals_page_contexts.append(context)
    return context


def request_page_context(*, user: Any, sourcing_request: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for add in _request_page_contexts:
        context.update(add(user=user, sourcing_request=sourcing_request))
    return context


def supplier_proposals_page_context(*, user: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for add in _supplier_proposals_page_contexts:
        context.update(add(user=user))
    return context
