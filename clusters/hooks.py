"""What the clusters app tells the apps above it, and asks of them (listed in the
README's "Hooks between layers"). Signals are sent inside the service's transaction,
like companies.hooks."""

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

# A membership was recorded in its history: its status moved, or what the member agreed
# to (public listing, shared contacts) changed. Arguments: membership, from_status, actor.
membership_changed = Signal()

# Who tells a cluster's public linkages: matching, which holds the proposals.
PublicLinkages = Callable[..., list[Any]]
_public_linkages: list[PublicLinkages] = []


def tell_public_linkages(provider: PublicLinkages) -> PublicLinkages:
    """Register ``provider(cluster=..., limit=...) -> [PublicLinkage]``."""
    _public_linkages.append(provider)
    return provider


def public_linkages_of(*, cluster: Any, limit: int) -> list[Any]:
    linkages: list[Any] = []
    for provider in _public_linkages:
        linkages.extend(provider(cluster=cluster, limit=limit))
    return linkages[:limit]
