"""Who may do what to requests and proposals: asked by services, selectors and views alike."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from companies.models import User
from matching import services
from matching.models import Proposal


def decision_open(proposal: Proposal, side: str | None) -> bool:
    """Whether this side may still accept or decline: pending, and not yet answered by it."""
    if side is None or proposal.status != Proposal.Status.PENDING:
        return False
    return getattr(proposal, f"{side}_decision") == Proposal.Decision.PENDING


def side_of(actor: User, proposal: Proposal) -> str | None:
    """'buyer' or 'supplier': which side of the proposal the user acts for, if any."""
    if actor.organisation_id is None:
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
            services.buyer_of(request.user)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return True


class BuyerOrStaff(BasePermission):
    """Supplier search and saved searches are the buyer's tools (and staff's)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if user.is_staff or (user.organisation is not None and user.organisation.is_buyer):
            return True
        raise exceptions.PermissionDenied(
            "Supplier search is for buyers' users; your account is of "
            f"{_organisation_kind_label(request)}."
        )


class SupplierUser(BasePermission):
    """The open-requests board with meets/lacks is for SME suppliers' users."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if user.organisation is not None and user.organisation.is_supplier:
            return True
        raise exceptions.PermissionDenied(
            "This list shows how an SME supplier meets each open request; your account is of "
            f"{_organisation_kind_label(request)}."
        )
