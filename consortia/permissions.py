"""Who may do what to consortia and broadcasts: asked by services, selectors and views
alike, so that each rule is written once. A consortium's cluster is run by the cluster's
managers (``clusters.permissions``); the buyer and the members each answer for their side."""

from typing import Any, Literal

from django.core.exceptions import PermissionDenied

from clusters.models import Cluster
from clusters.permissions import can_manage_cluster
from companies.permissions import is_staff_user
from consortia.models import BroadcastRecipient, Consortium

__all__ = [
    "Side",
    "can_manage_consortium",
    "can_see_request_consortia",
    "check_broadcast_sender",
    "check_consortium_manager",
    "consortium_side_of",
    "is_broadcast_recipient",
]

Side = Literal["buyer", "member"]


def can_manage_consortium(user: Any, consortium: Consortium) -> bool:
    """The user manages the consortium's cluster."""
    return can_manage_cluster(user, consortium.cluster)


def check_consortium_manager(user: Any, consortium: Consortium) -> None:
    if not can_manage_consortium(user, consortium):
        raise PermissionDenied("Only a manager of this consortium's cluster may do this.")


def check_broadcast_sender(user: Any, cluster: Cluster) -> None:
    if not can_manage_cluster(user, cluster):
        raise PermissionDenied("Only a manager of this cluster may send broadcasts.")


def consortium_side_of(user: Any, consortium: Consortium) -> Side | None:
    """'buyer' or 'member': which side of the consortium the user answers for, if any."""
    if not getattr(user, "is_authenticated", False) or user.organisation_id is None:
        return None
    if user.organisation_id == consortium.request.buyer_id:
        return "buyer"
    if any(m.supplier_id == user.organisation_id for m in consortium.members.all()):
        return "member"
    return None


def can_see_request_consortia(user: Any, request: Any) -> bool:
    """The consortia proposed for a request are the buyer's to see (and staff's)."""
    return is_staff_user(user) or (
        bool(getattr(user, "is_authenticated", False)) and user.organisation_id == request.buyer_id
    )


def is_broadcast_recipient(user: Any, recipient: BroadcastRecipient) -> bool:
    """The user works for the firm a broadcast was sent to."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.organisation_id == recipient.supplier_id
    )
