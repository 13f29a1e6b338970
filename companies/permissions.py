"""Who may do what to organisations and their things: asked by services, selectors and
views alike, so that each rule is written once.

The ``is_``/``works_for`` functions answer; the ``require_`` functions refuse with
``PermissionDenied`` (a 403 on pages and in the API) for the services. The DRF
permission classes at the end ask the same functions for the API views.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from companies.models import Organisation, User
from sme_platform.errors import Forbidden

# The messages a refused service gives; the pages and the API show them as they are.
NOT_A_MEMBER = "You do not belong to this organisation."
NOT_AN_OWNER = "Only an owner of the organisation may do this."
NOT_STAFF = "Only platform staff may do this."


# What an account that has not confirmed its e-mail address may not do yet; the banner
# on every page and the refusals say the same.
EMAIL_NOT_CONFIRMED_CODE = "email_not_confirmed"
EMAIL_NOT_CONFIRMED = gettext_lazy(
    "Confirm your e-mail address first: follow the link in the e-mail we sent you. "
    "Until then you cannot open sourcing requests, answer proposals, act in consortia, "
    "send broadcasts or see contact details."
)


class EmailNotConfirmed(Forbidden):
    """The account has not confirmed its e-mail address yet (API: 403 with this code)."""

    code = EMAIL_NOT_CONFIRMED_CODE

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or str(EMAIL_NOT_CONFIRMED))


def is_staff_user(user: Any) -> bool:
    """Platform staff: they verify, moderate and run the matcher."""
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def works_for(user: Any, organisation: Organisation) -> bool:
    """The user belongs to the organisation itself (staff do not, unless they do)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.organisation_id == organisation.pk
    )


def is_member_of(user: Any, organisation: Organisation) -> bool:
    """The user works for the organisation (staff act for every organisation)."""
    return is_staff_user(user) or works_for(user, organisation)


def is_owner_of(user: Any, organisation: Organisation) -> bool:
    """The user owns the organisation's account (staff act as owners)."""
    return is_staff_user(user) or (
        is_member_of(user, organisation) and user.role == User.Role.OWNER
    )


def owns_an_organisation(user: Any) -> bool:
    """The user is an owner of the organisation they belong to."""
    return bool(getattr(user, "is_authenticated", False) and user.is_owner)


def has_organisation(user: Any) -> bool:
    """The user belongs to an organisation (registered one, or accepted an invitation)."""
    return bool(getattr(user, "is_authenticated", False)) and user.organisation_id is not None


def is_buyer_user(user: Any) -> bool:
    """The user works for a buyer."""
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    return organisation is not None and organisation.is_buyer


def has_confirmed_email(user: Any) -> bool:
    """The user proved their address: by its confirmation link, or by an invitation
    (colleague or cluster) sent to it, or was made by staff."""
    return bool(getattr(user, "is_authenticated", False)) and (
        getattr(user, "email_confirmed_at", None) is not None
    )


def require_confirmed_email(user: Any) -> None:
    """Posting, answering and seeing contacts need a proved address: an account made
    with someone else's address must not speak for that person."""
    if not has_confirmed_email(user):
        raise EmailNotConfirmed()


def require_member_of(user: Any, organisation: Organisation) -> None:
    if not is_member_of(user, organisation):
        raise PermissionDenied(NOT_A_MEMBER)


def require_owner_of(user: Any, organisation: Organisation) -> None:
    require_member_of(user, organisation)
    if not is_owner_of(user, organisation):
        raise PermissionDenied(NOT_AN_OWNER)


def require_staff(user: Any) -> None:
    if not is_staff_user(user):
        raise PermissionDenied(NOT_STAFF)


# API
# ------------------------------------------------------------------------------


class MemberForWrites(BasePermission):
    """Reading one's own things needs a login; adding things needs an organisation."""

    message = "Register an organisation or accept an invitation to one first."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user.is_authenticated:
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return has_organisation(request.user)


class OrganisationOwner(BasePermission):
    message = "Only an owner of the organisation may invite colleagues or see invitations."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return owns_an_organisation(request.user)
