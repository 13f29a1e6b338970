"""What the database refuses whatever a service does: each invariant of the companies
models is a constraint, so a bug in a service cannot store a bad row."""

from typing import Any

import pytest
from django.db import IntegrityError, models, transaction

from companies.models import (
    ContactPerson,
    HsCode,
    Invitation,
    IsicCode,
    Organisation,
    User,
)
from tests.factories import (
    CertificationFactory,
    ContactPersonFactory,
    ProductLineFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused(obj: models.Model, **changes: Any) -> bool:
    """Whether the database refuses to store ``obj`` with ``changes``, bypassing every check."""
    for field, value in changes.items():
        setattr(obj, field, value)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        return True
    return False


def test_an_organisation_has_one_primary_contact_at_most(supplier):
    ContactPersonFactory(organisation=supplier, is_primary=True)
    second = ContactPerson(organisation=supplier, name="Second", email="second@firm.example")
    assert refused(second, is_primary=True)
    assert not refused(second, is_primary=False)
    assert supplier.contacts.filter(is_primary=True).count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "pirate"},
        {"verification": "maybe"},
        {"employees_band": "lots"},
        {"legal_name": ""},
        {"year_founded": 1200},
    ],
)
def test_an_organisation_row_is_refused_with_a_bad_value(changes):
    assert refused(SupplierFactory(), **changes)


def test_an_organisation_row_with_good_values_is_stored():
    organisation = SupplierFactory()
    assert not refused(organisation, employees_band="", year_founded=None)
    assert not refused(organisation, employees_band="10-49", year_founded=1999)
    assert Organisation.objects.filter(pk=organisation.pk, year_founded=1999).exists()


@pytest.mark.parametrize(
    "changes",
    [{"unit": "barrels"}, {"monthly_capacity": -1}, {"min_order_quantity": -5}],
)
def test_a_product_line_row_is_refused_with_a_bad_value(changes):
    assert refused(ProductLineFactory(), **changes)


@pytest.mark.parametrize(
    "changes", [{"status": "approved"}, {"issuer": ""}, {"certificate_number": ""}]
)
def test_a_certificate_row_is_refused_with_a_bad_value(changes):
    assert refused(CertificationFactory(), **changes)


def test_a_user_and_an_invitation_have_a_known_role(supplier, supplier_user):
    assert refused(UserFactory(organisation=supplier), role="boss")
    invitation = Invitation(organisation=supplier, email="c@firm.example", invited_by=supplier_user)
    assert refused(invitation, role="boss")
    assert not refused(invitation, role=User.Role.MEMBER)


def test_taxonomy_levels_are_the_ones_the_nomenclatures_have():
    assert refused(HsCode(code="99", description="Nothing"), level=3)
    assert refused(IsicCode(code="Z", description="Nothing"), level=5)
