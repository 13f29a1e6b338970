"""Who may do what to organisations and their things: asked by services, selectors and
views alike, so that each rule is written once."""

from typing import Any

from companies.models import Organisation, User


def is_staff_user(user: Any) -> bool:
    """Platform staff: they verify, moderate and run the matcher."""
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


def is_member_of(user: Any, organisation: Organisation) -> bool:
    """The user works for the organisation (staff act for every organisation)."""
    return is_staff_user(user) or (
        bool(getattr(user, "is_authenticated", False)) and user.organisation_id == organisation.pk
    )


def is_owner_of(user: Any, organisation: Organisation) -> bool:
    """The user owns the organisation's account (staff act as owners)."""
    return is_staff_user(user) or (
        is_member_of(user, organisation) and user.role == User.Role.OWNER
    )


def is_buyer_user(user: Any) -> bool:
    """The user works for a buyer."""
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    return organisation is not None and organisation.is_buyer
