"""Who may do what to requests, proposals, searches and match runs: asked by services,
selectors and views alike, so that each rule is written once."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from companies.models import Organisation
from companies.permissions import is_buyer_user, is_staff_user
from matching.models import Proposal, SourcingRequest

__all__ = [
    "BuyerForWrites",
    "BuyerOrStaff",
    "SupplierUser",
    "buyer_of",
    "can_edit_request",
    "can_run_matcher",
    "can_search_suppliers",
    "decision_open",
    "is_request_buyer",
    "is_supplier_user",
    "is_staff_user",
    "sees_request_proposals",
    "side_of",
    "supplier_of",
]


def buyer_of(actor: Any) -> Organisation:
    """The buyer organisation the actor posts for, or a clear refusal."""
    organisation = actor.organisation if actor.is_authenticated else None
    if organisation is None:
        raise DjangoPermissionDenied(
            "Only users of a buyer organisation post sourcing requests; "
            "you do not belong to an organisation."
        )
    if not organisation.is_buyer:
        raise DjangoPermissionDenied(
            "Only buyers post sourcing requests; your organisation is registered as "
            f"{organisation.get_kind_display().lower()}."
        )
    return organisation


def is_request_buyer(user: Any, request: SourcingRequest) -> bool:
    """The user works for the buyer that posted the request (staff do not count)."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and user.organisation_id is not None
        and user.organisation_id == request.buyer_id
    )


def can_edit_request(user: Any, request: SourcingRequest) -> bool:
    """The buyer's users change a request's fields; staff too, to correct it in the admin."""
    return is_staff_user(user) or is_request_buyer(user, request)


def sees_request_proposals(user: Any, request: SourcingRequest) -> bool:
    """A request's ranked proposals and near-misses are for its buyer's users and staff."""
    return is_staff_user(user) or is_request_buyer(user, request)


def can_search_suppliers(user: Any) -> bool:
    """Supplier search and saved searches are the buyer's tools (and staff's)."""
    return is_staff_user(user) or (
        bool(getattr(user, "is_authenticated", False)) and is_buyer_user(user)
    )


def supplier_of(user: Any) -> Organisation | None:
    """The SME supplier the user works for, if any."""
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    return organisation if organisation is not None and organisation.is_supplier else None


def is_supplier_user(user: Any) -> bool:
    """The user works for an SME supplier."""
    return supplier_of(user) is not None


def can_run_matcher(user: Any) -> bool:
    """Staff start and inspect match runs."""
    return is_staff_user(user)


def decision_open(proposal: Proposal, side: str | None) -> bool:
    """Whether this side may still accept or decline: pending, and not yet answered by it."""
    if side is None or proposal.status != Proposal.Status.PENDING:
        return False
    return bool(getattr(proposal, f"{side}_decision") == Proposal.Decision.PENDING)


def side_of(actor: Any, proposal: Proposal) -> str | None:
    """'buyer' or 'supplier': which side of the proposal the user acts for, if any."""
    if not getattr(actor, "is_authenticated", False) or actor.organisation_id is None:
        return None
    if actor.organisation_id == proposal.request.buyer_id:
        return "buyer"
    if actor.organisation_id == proposal.supplier_id:
        return "supplier"
    return None


def _organisation_kind_label(request: Request) -> str:
    organisation = request.user.organisation
    return organisation.get_kind_display().lower() if organisation else "no organisation"


class BuyerForWrites(BasePermission):
    """Anyone may read what they can see; only buyers' users post requests."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        if not request.user.is_authenticated:
            return False
        try:
            buyer_of(request.user)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return True


class BuyerOrStaff(BasePermission):
    """Supplier search and saved searches are the buyer's tools (and staff's)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user.is_authenticated:
            return False
        if can_search_suppliers(request.user):
            return True
        raise exceptions.PermissionDenied(
            "Supplier search is for buyers' users; your account is of "
            f"{_organisation_kind_label(request)}."
        )


class SupplierUser(BasePermission):
    """The open-requests board with meets/lacks is for SME suppliers' users."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user.is_authenticated:
            return False
        if is_supplier_user(request.user):
            return True
        raise exceptions.PermissionDenied(
            "This list shows how an SME supplier meets each open request; your account is of "
            f"{_organisation_kind_label(request)}."
        )
