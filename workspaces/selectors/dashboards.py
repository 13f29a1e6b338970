"""What each role's dashboard shows: the firm's profile, what is still missing from it,
and its people and capabilities."""

from typing import Any

from companies import selectors as company_selectors
from companies.models import Organisation

__all__ = ["dashboard_for", "profile_checklist"]


def profile_checklist(
    organisation: Organisation, *, contacts: list, product_lines: list, certifications: list
) -> list[tuple[str, bool]]:
    """The steps of a complete profile for this kind of organisation, each done or not."""
    checklist = [
        ("Describe the organisation", bool(organisation.description)),
        ("Add a contact person", bool(contacts)),
    ]
    if organisation.is_supplier:
        checklist += [
            ("List your products (HS codes)", organisation.hs_codes.exists()),
            ("Add a product line with its monthly capacity", bool(product_lines)),
            ("Add a certification", bool(certifications)),
        ]
    if organisation.is_buyer:
        checklist += [
            ("Choose the countries you source from", bool(organisation.sourcing_regions)),
            ("Choose your sectors of interest", organisation.sectors_of_interest.exists()),
        ]
    return checklist


def dashboard_for(*, user: Any) -> dict[str, Any]:
    """The dashboard of the user's organisation (just ``organisation=None`` without one)."""
    organisation = None
    if user.organisation_id is not None:
        organisation = company_selectors.organisation_private_get(
            user=user, pk=user.organisation_id
        )
    if organisation is None:
        return {"organisation": None}
    certifications = list(
        company_selectors.certification_list(user=user).filter(organisation=organisation)
    )
    contacts = list(company_selectors.contact_list(user=user, organisation=organisation))
    product_lines = list(
        company_selectors.product_line_list(user=user).filter(organisation=organisation)
    )
    checklist = profile_checklist(
        organisation,
        contacts=contacts,
        product_lines=product_lines,
        certifications=certifications,
    )
    return {
        "organisation": organisation,
        "certifications": certifications,
        "expired_count": sum(c.is_expired for c in certifications),
        "contacts": contacts,
        "product_lines": product_lines,
        "colleagues": list(company_selectors.colleague_list(user=user)),
        "checklist": checklist,
        "checklist_done": sum(done for _, done in checklist),
    }
