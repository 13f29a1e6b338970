"""Contact people: the service takes parsed, typed arguments and keeps one primary."""

import pytest

from companies import services

pytestmark = pytest.mark.django_db


def test_a_new_primary_contact_takes_over(supplier, supplier_user):
    first = services.contact_person_create(
        organisation=supplier,
        actor=supplier_user,
        name="Le Thi Hoa",
        email="hoa@firm.example",
        is_primary=True,
    )
    second = services.contact_person_create(
        organisation=supplier,
        actor=supplier_user,
        name="Tran Van Minh",
        email="minh@firm.example",
        is_primary=True,
    )
    first.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)


def test_an_update_changes_only_what_it_is_given(supplier, supplier_user):
    contact = services.contact_person_create(
        organisation=supplier,
        actor=supplier_user,
        name="Le Thi Hoa",
        email="hoa@firm.example",
        phone="+84 28 1111",
    )
    services.contact_person_update(contact=contact, actor=supplier_user, position="Sales")
    contact.refresh_from_db()
    assert (contact.position, contact.phone) == ("Sales", "+84 28 1111")


def test_the_api_refuses_an_over_long_name_before_the_service(api_as, supplier_user):
    response = api_as(supplier_user).post(
        f"/api/v1/organisations/{supplier_user.organisation_id}/contacts/",
        {"name": "x" * 121, "email": "a@firm.example"},
        format="json",
    )
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
