"""How matching answers the hooks of the apps below it (see the README's "Hooks
between layers"). Each receiver enqueues its job on commit, so a rolled-back write
starts nothing."""

from typing import Any

from django.dispatch import receiver

from clusters import hooks as cluster_hooks
from clusters.models import Cluster, ClusterMembership
from clusters.selectors import PublicLinkage
from companies import hooks as company_hooks
from companies.models import Organisation
from matching import selectors, services, tasks
from sme_platform.outbox import enqueue_on_commit


@receiver(company_hooks.supplier_profile_changed)
def refresh_and_match_changed_supplier(*, organisation_id: int, **kwargs: Any) -> None:
    enqueue_on_commit(tasks.supplier_profile_changed_task, organisation_id)


@receiver(company_hooks.organisation_verification_changed)
def tell_linkages_buyer_verification_changed(
    *, organisation: Organisation, was_verified: bool, **kwargs: Any
) -> None:
    """A buyer's linkages show contacts only while staff have it verified."""
    if organisation.is_buyer and organisation.is_verified != was_verified:
        services.linkages_buyer_verification_changed(
            buyer=organisation, verified=organisation.is_verified
        )


@receiver(company_hooks.organisation_verification_lapsed)
def tell_linkages_buyer_verification_lapsed(*, organisation: Organisation, **kwargs: Any) -> None:
    if organisation.is_buyer:
        services.linkages_buyer_verification_changed(buyer=organisation, verified=False)


@receiver(cluster_hooks.membership_changed)
def refresh_supplier_of_changed_membership(
    *, membership: ClusterMembership, from_status: str, **kwargs: Any
) -> None:
    """Joining or leaving, or a member's consent, changes what cluster search filters find."""
    active = ClusterMembership.Status.ACTIVE
    if membership.supplier_id and active in (from_status, membership.status):
        enqueue_on_commit(tasks.refresh_supplier_in_index_task, membership.supplier_id)


@cluster_hooks.tell_public_linkages
def cluster_linkages(*, cluster: Cluster, limit: int) -> list[PublicLinkage]:
    return selectors.public_linkages_of_cluster(cluster=cluster, limit=limit)
