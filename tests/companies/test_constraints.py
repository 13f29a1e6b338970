"""What the database refuses whatever a service does: each invariant of the companies
models is a constraint, so a bug in a service cannot store a bad row."""

import pytest
from django.db import IntegrityError, transaction

from companies.models import ContactPerson
from tests.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_has_one_primary_contact_at_most(supplier):
    ContactPersonFactory(organisation=supplier, is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPerson.objects.create(
            organisation=supplier, name="Second", email="second@firm.example", is_primary=True
        )
    ContactPerson.objects.create(
        organisation=supplier, name="Third", email="third@firm.example", is_primary=False
    )
    assert supplier.contacts.filter(is_primary=True).count() == 1
