"""Reads of proposals, linkages and near-misses, as each side (and staff) sees them."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from clusters.selectors import PublicLinkage, public_members
from companies.models import Organisation, User
from companies.permissions import has_confirmed_email, is_staff_user
from engine.matcher import FACTOR_LABELS
from matching.models import NearMiss, Proposal, SourcingRequest
from matching.permissions import sees_request_proposals, side_of
from matching.selectors.requests import (
    AnyUser,
    request_get_editable,
    request_list_visible_to,
    suppliers_of_managed_clusters,
)

__all__ = [
    "ContactsWithheld",
    "Counterpart",
    "factor_rows",
    "linkage_get_for_buyer",
    "near_misses_for_request",
    "near_misses_for_supplier",
    "proposal_contacts_withheld",
    "proposal_counterpart",
    "proposal_get_visible",
    "proposal_list_visible_to",
    "proposals_for_request",
    "proposals_for_supplier",
    "public_linkages_of_cluster",
    "request_linkages",
]

# LINKAGES OF A REQUEST
# ------------------------------------------------------------------------------


def request_linkages(*, request: SourcingRequest) -> QuerySet[Proposal]:
    """The linkages (accepted by both sides) of a request, for its buyer."""
    return (
        Proposal.objects.filter(request=request, status=Proposal.Status.LINKED)
        .select_related("supplier")
        .order_by("-awarded", "-score")
    )


def linkage_get_for_buyer(*, user: AnyUser, request_pk: Any, pk: Any) -> Proposal | None:
    request = request_get_editable(user=user, pk=request_pk)
    if request is None:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Proposal.objects.select_related("request", "supplier")
        .filter(request=request, pk=pk)
        .first()
    )


# PROPOSALS AND NEAR-MISSES
# ------------------------------------------------------------------------------


# Where the two sides' people are kept once fetched, for the counterpart of a linkage.
_ACTIVE_USERS = "active_users_by_email"


def _proposal_details(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    # Both sides' contacts and users come in four queries for the whole page, so a list
    # of linkages does not ask twice per row for the counterpart it shows.
    active_users = User.objects.filter(is_active=True).order_by("email")
    return qs.select_related("request__buyer", "supplier").prefetch_related(
        "supplier__contacts",
        "request__buyer__contacts",
        Prefetch("supplier__users", queryset=active_users, to_attr=_ACTIVE_USERS),
        Prefetch("request__buyer__users", queryset=active_users, to_attr=_ACTIVE_USERS),
    )


def proposal_list_visible_to(*, user: AnyUser) -> QuerySet[Proposal]:
    """Proposals the user is a side of (buyer or supplier), or all of them for staff.

    A cluster manager also sees their members' proposals (the clusters app fills
    ``suppliers_of_managed_clusters``).
    """
    qs = _proposal_details(Proposal.objects.all())
    if not user.is_authenticated:
        return qs.none()
    if is_staff_user(user):
        return qs
    sides = Q(request__buyer_id=user.organisation_id) | Q(supplier_id=user.organisation_id)
    managed = suppliers_of_managed_clusters(user=user)
    if managed:
        sides |= Q(supplier_id__in=managed)
    if user.organisation_id is None and not managed:
        return qs.none()
    return qs.filter(sides).exclude(request__status=SourcingRequest.Status.DRAFT)


def proposal_get_visible(*, user: AnyUser, pk: Any) -> Proposal | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return proposal_list_visible_to(user=user).filter(pk=pk).first()


def proposals_for_supplier(*, user: AnyUser) -> QuerySet[Proposal]:
    """The proposals made to the user's own organisation, newest first."""
    if not user.is_authenticated or user.organisation_id is None:
        return Proposal.objects.none()
    return _proposal_details(
        Proposal.objects.filter(supplier_id=user.organisation_id).exclude(
            request__status=SourcingRequest.Status.DRAFT
        )
    ).order_by("-created_at")


def proposals_for_request(*, user: AnyUser, request: SourcingRequest) -> QuerySet[Proposal]:
    """A request's proposals, best first, for its buyer's users and staff."""
    if not sees_request_proposals(user, request):
        return Proposal.objects.none()
    return _proposal_details(Proposal.objects.filter(request=request)).order_by("status", "-score")


def near_misses_for_request(*, user: AnyUser, request: SourcingRequest) -> QuerySet[NearMiss]:
    """Who nearly fits a request, and why not: for its buyer's users and staff."""
    if not sees_request_proposals(user, request):
        return NearMiss.objects.none()
    return NearMiss.objects.filter(request=request).select_related("supplier").order_by("-score")


def near_misses_for_supplier(*, user: AnyUser) -> QuerySet[NearMiss]:
    """Requests the user's organisation nearly matches, and what it lacks.

    Only requests it may see: a confidential request it was not proposed to stays
    hidden even when it nearly fits.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return NearMiss.objects.none()
    visible = request_list_visible_to(user=user).values("pk")
    return (
        NearMiss.objects.filter(supplier_id=user.organisation_id, request_id__in=visible)
        .select_related("request__buyer")
        .order_by("-score")
    )


@dataclass
class Counterpart:
    """The other side's people, shown only on a linkage (both sides accepted)."""

    organisation: Organisation
    contacts: list[Any]
    users: list[User]


class ContactsWithheld(TextChoices):
    """Why a side of a proposal does not see the other side's contacts (yet)."""

    NOT_A_SIDE = "not_a_side", _("Contacts are shown only to the two sides of a linkage.")
    NOT_LINKED = "not_linked", _("Contact details are shown to both sides once both accept.")
    BUYER_NOT_VERIFIED = (
        "buyer_not_verified",
        _(
            "Both sides accepted, but platform staff have not verified the buyer yet. "
            "Contacts are shown to both sides once they have; both will be told."
        ),
    )
    EMAIL_NOT_CONFIRMED = (
        "email_not_confirmed",
        _("Confirm your e-mail address to see the other side's contacts."),
    )


def proposal_contacts_withheld(*, user: AnyUser, proposal: Proposal) -> ContactsWithheld | None:
    """Why ``user`` may not see the other side's contacts, or None when they may.

    Contacts are shown if and only if both sides accepted, the proposal is still a
    linkage (not declined, withdrawn or closed), staff have verified the buyer (a
    buyer nobody checked must not harvest SMEs' contacts), and the viewer has
    confirmed their own e-mail address.
    """
    if not user.is_authenticated or side_of(user, proposal) is None:
        return ContactsWithheld.NOT_A_SIDE
    accepted = Proposal.Decision.ACCEPTED
    if not (
        proposal.status == Proposal.Status.LINKED
        and proposal.buyer_decision == accepted
        and proposal.supplier_decision == accepted
    ):
        return ContactsWithheld.NOT_LINKED
    if not proposal.request.buyer.is_verified:
        return ContactsWithheld.BUYER_NOT_VERIFIED
    if not has_confirmed_email(user):
        return ContactsWithheld.EMAIL_NOT_CONFIRMED
    return None


def proposal_counterpart(*, user: AnyUser, proposal: Proposal) -> Counterpart | None:
    """The other side's contact people, or None while ``proposal_contacts_withheld``
    gives a reason."""
    if proposal_contacts_withheld(user=user, proposal=proposal) is not None:
        return None
    side = side_of(user, proposal)
    if side == "supplier":
        other = proposal.request.buyer
    elif side == "buyer":
        other = proposal.supplier
    else:
        return None
    users = getattr(other, _ACTIVE_USERS, None)
    if users is None:
        users = list(other.users.filter(is_active=True).order_by("email"))
    return Counterpart(organisation=other, contacts=list(other.contacts.all()), users=users)


# CLUSTER PAGES
# ------------------------------------------------------------------------------


def public_linkages_of_cluster(*, cluster: Cluster, limit: int) -> list[PublicLinkage]:
    """Linkages of a cluster's listed members, newest first; buyer and title only for
    public requests."""
    proposals = (
        Proposal.objects.filter(
            status=Proposal.Status.LINKED,
            supplier_id__in=public_members(cluster=cluster).values("pk"),
        )
        .select_related("supplier", "request__buyer")
        .order_by("-updated_at")[:limit]
    )
    linkages = []
    for proposal in proposals:
        public = proposal.request.visibility == SourcingRequest.Visibility.PUBLIC
        linkages.append(
            PublicLinkage(
                supplier_name=proposal.supplier.legal_name,
                supplier_slug=proposal.supplier.slug,
                buyer_name=proposal.request.buyer.legal_name if public else "",
                request_title=proposal.request.title if public else "",
                linked_at=proposal.updated_at,
            )
        )
    return linkages


def factor_rows(breakdown: dict[str, float]) -> list[dict[str, Any]]:
    """Each factor of a score with its label and a percentage, in the engine's order."""
    rows = []
    for factor, label in FACTOR_LABELS.items():
        value = float(breakdown.get(factor, 0.0) or 0.0)
        value = min(max(value, 0.0), 1.0)
        rows.append(
            {"factor": factor, "label": label, "value": value, "percent": round(value * 100)}
        )
    return rows
