"""How consortia and broadcasts answer the hooks of the apps below them (see the
README's "Hooks between layers")."""

from typing import Any

from django.dispatch import receiver

from clusters import hooks as cluster_hooks
from clusters.models import ClusterMembership
from consortia import selectors, services
from consortia.forms import ConsortiumDeclineForm
from consortia.views import consortium_row
from matching import hooks as matching_hooks
from matching.models import SourcingRequest


@receiver(matching_hooks.request_matched)
def draft_consortia_for_matched_request(*, request: SourcingRequest, **kwargs: Any) -> None:
    """Clusters whose members could answer together get a draft consortium (or its close)."""
    services.consortia_propose_for_request(request=request)


@receiver(matching_hooks.requests_closed)
def close_consortia_of_closed_requests(*, request_ids: list[int], **kwargs: Any) -> None:
    services.consortia_close_for_requests(request_ids=request_ids)


@receiver(cluster_hooks.membership_changed)
def return_consortia_of_member_no_longer_active(
    *, membership: ClusterMembership, from_status: str, actor: Any, **kwargs: Any
) -> None:
    """A member that is no longer active cannot stay in a consortium under way."""
    active = ClusterMembership.Status.ACTIVE
    if from_status == active and membership.status != active:
        services.consortia_return_for_membership(membership=membership, actor=actor)


@matching_hooks.grant_request_visibility
def consortium_readers(user: Any) -> Any:
    """A consortium lets its own members and its cluster's managers read the request."""
    return selectors.consortium_request_ids_visible_to(user=user)


def _consortia_context(user: Any, consortia: Any) -> dict[str, Any]:
    return {
        "consortium_rows": [consortium_row(user, c) for c in consortia],
        "consortium_decline_form": ConsortiumDeclineForm(),
        "consortium_notice": services.COMPETITION_NOTICE,
    }


@matching_hooks.add_to_request_page
def request_page_consortia(*, user: Any, sourcing_request: SourcingRequest) -> dict[str, Any]:
    """The consortia proposed for the request, shown to its buyer beside the proposals."""
    return _consortia_context(
        user, selectors.consortia_for_request(user=user, request=sourcing_request)
    )


@matching_hooks.add_to_supplier_proposals_page
def supplier_proposals_page_consortia(*, user: Any) -> dict[str, Any]:
    """The consortia the supplier's firm was proposed in, beside its own proposals."""
    return _consortia_context(user, selectors.consortia_for_member(user=user))
