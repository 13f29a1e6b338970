"""Writes of profiles a cluster imported for firms that have no account yet.

A cluster's manager keeps such a profile from the member list until the firm claims
it (see ``colleagues.invitation_accept``); the clusters app checks that the manager
may, and these services write the profile the same way every time. A claimed
profile is the firm's own: it is never written here.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from companies.models import HsCode, Invitation, IsicCode, Organisation, ProductLine, User
from sme_platform.errors import refusal
from sme_platform.slugs import unique_slug

__all__ = ["ImportedProductLine", "imported_profile_invite", "imported_profile_save"]

# (HS code, monthly capacity, unit, minimum order)
ImportedProductLine = tuple[str, int, str, int]


@transaction.atomic
def imported_profile_save(
    *,
    organisation: Organisation | None,
    fields: Mapping[str, Any],
    hs_codes: list[str] | None = None,
    isic_codes: list[str] | None = None,
    product_line: ImportedProductLine | None = None,
    clear_product_lines: bool = False,
) -> Organisation:
    """Create (``organisation=None``) or update an unclaimed supplier profile.

    Only the given fields change; codes and the product line are replaced when given,
    since the import owns an unclaimed profile's product lines.
    """
    if organisation is None:
        organisation = Organisation(
            kind=Organisation.Kind.SUPPLIER,
            claimed=False,
            slug=unique_slug(
                Organisation.objects.all(), str(fields.get("legal_name", "")), fallback="firm"
            ),
        )
    elif organisation.claimed:
        raise refusal({"email": ["This firm has claimed its profile: it keeps it up to date."]})
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean(validate_unique=False)
    organisation.save()
    if hs_codes is not None:
        organisation.hs_codes.set(HsCode.objects.filter(code__in=hs_codes))
    if isic_codes is not None:
        organisation.isic_codes.set(IsicCode.objects.filter(code__in=isic_codes))
    if product_line is not None or clear_product_lines:
        organisation.product_lines.all().delete()
    if product_line is not None:
        code, capacity, unit, min_order = product_line
        ProductLine.objects.create(
            organisation=organisation,
            hs_code_id=code,
            monthly_capacity=capacity,
            unit=unit,
            min_order_quantity=min_order,
        )
    return organisation


@transaction.atomic
def imported_profile_invite(
    *, organisation: Organisation, email: str, invited_by: User | None
) -> Invitation:
    """An invitation for the firm's first user to claim the profile, as its owner."""
    if organisation.claimed:
        raise refusal({"email": ["This firm has claimed its profile already."]})
    return Invitation.objects.create(
        organisation=organisation, email=email, role=User.Role.OWNER, invited_by=invited_by
    )
