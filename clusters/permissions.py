"""Who may do what to clusters and their memberships: asked by services, selectors and
views alike, so that each rule is written once.

The ``can_``/``is_`` functions answer yes or no. The ``check_`` functions are the same
rules for the services: they raise ``PermissionDenied`` with the sentence a person reads.
"""

from typing import Any

from django.core.exceptions import PermissionDenied

from clusters.models import Cluster, ClusterMembership
from companies.models import Organisation, User
from companies.permissions import is_staff_user

__all__ = [
    "acts_for_member",
    "can_change_managers",
    "can_manage_cluster",
    "can_see_cluster",
    "check_cluster_body_user",
    "check_manager",
    "check_manager_side",
    "check_managers_changer",
    "check_member_side",
    "check_staff",
    "check_supplier_user",
    "is_cluster_body_user",
    "is_supplier_user",
    "works_for_body",
]


def _organisation_of(user: Any) -> Organisation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    organisation: Organisation | None = user.organisation
    return organisation


def can_manage_cluster(user: Any, cluster: Cluster) -> bool:
    """The user is one of the cluster's managers."""
    return bool(getattr(user, "is_authenticated", False)) and (
        cluster.managers.filter(pk=user.pk).exists()
    )


def can_see_cluster(user: Any, cluster: Cluster) -> bool:
    """An approved cluster is public; one under review only to its managers and staff."""
    return cluster.is_approved or is_staff_user(user) or can_manage_cluster(user, cluster)


def is_cluster_body_user(user: Any) -> bool:
    """The user works for a cluster body (an industry association, a development agency)."""
    organisation = _organisation_of(user)
    return organisation is not None and organisation.kind == Organisation.Kind.CLUSTER_BODY


def is_supplier_user(user: Any) -> bool:
    """The user works for an SME supplier: only those join clusters."""
    organisation = _organisation_of(user)
    return organisation is not None and organisation.kind == Organisation.Kind.SUPPLIER


def works_for_body(user: Any, cluster: Cluster) -> bool:
    """The user works for the cluster body that runs the cluster."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    return authenticated and user.organisation_id == cluster.body_id


def can_change_managers(user: Any, cluster: Cluster) -> bool:
    """The cluster body's owner, or a manager, adds and removes managers."""
    body_owner = works_for_body(user, cluster) and user.role == User.Role.OWNER
    return body_owner or can_manage_cluster(user, cluster)


def acts_for_member(user: Any, membership: ClusterMembership) -> bool:
    """The user works for the SME of the membership."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and membership.supplier_id is not None
        and user.organisation_id == membership.supplier_id
    )


def check_staff(user: Any) -> None:
    if not is_staff_user(user):
        raise PermissionDenied("Only platform staff may do this.")


def check_cluster_body_user(user: Any) -> Organisation:
    """The user's cluster body, which proposes the cluster."""
    organisation = _organisation_of(user)
    if organisation is None or not is_cluster_body_user(user):
        raise PermissionDenied("Only users of a cluster body propose clusters.")
    return organisation


def check_supplier_user(user: Any) -> Organisation:
    """The user's SME, which joins the cluster."""
    organisation = _organisation_of(user)
    if organisation is None or not is_supplier_user(user):
        raise PermissionDenied("Only users of an SME supplier join clusters.")
    return organisation


def check_manager(user: Any, cluster: Cluster) -> None:
    if not can_manage_cluster(user, cluster):
        raise PermissionDenied("Only a manager of this cluster may do this.")


def check_managers_changer(user: Any, cluster: Cluster) -> None:
    if not can_change_managers(user, cluster):
        raise PermissionDenied("Only the cluster body's owner or a manager may change managers.")


def check_member_side(user: Any, membership: ClusterMembership) -> None:
    """The SME's own users act on its membership, and a removed member not at all."""
    if not acts_for_member(user, membership):
        raise PermissionDenied("Only the SME's own users may do this.")
    if membership.status == ClusterMembership.Status.REMOVED:
        raise PermissionDenied("Your firm was removed from this cluster.")


def check_manager_side(user: Any, membership: ClusterMembership) -> None:
    # Checked first: an SME never decides on its own membership, whatever else it is.
    if acts_for_member(user, membership):
        raise PermissionDenied("An SME cannot decide on its own membership.")
    check_manager(user, membership.cluster)
