"""The home page's figures and the directory's pages come from the cache, and a change to
a supplier shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from companies import services
from companies.models import Organisation
from tests.factories import SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db


def _verified(name: str) -> Organisation:
    firm = SupplierFactory(legal_name=name)
    UserFactory(organisation=firm)
    return firm


def test_a_second_visit_counts_no_suppliers(client, staff_user):
    firm = _verified("Cached Knit Ltd")
    services.organisation_set_verification(
        organisation=firm, actor=staff_user, verification=Organisation.Verification.VERIFIED
    )
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))

    assert "Cached Knit Ltd" in response.content.decode()
    assert not [q for q in queries.captured_queries if "companies_organisation" in q["sql"]]


def test_a_supplier_verified_after_the_page_was_cached_shows_at_once(client, staff_user):
    # given the home page drawn, and cached, before the firm is verified
    firm = _verified("Newly Verified Knit Ltd")
    assert "Newly Verified Knit Ltd" not in client.get(reverse("home")).content.decode()
    # when staff verify it
    services.organisation_set_verification(
        organisation=firm, actor=staff_user, verification=Organisation.Verification.VERIFIED
    )
    # then the next visitor sees it, and the count with it
    page = client.get(reverse("home")).content.decode()
    assert "Newly Verified Knit Ltd" in page
    assert "1 verified supplier so far" in page


def test_a_supplier_whose_verification_lapses_leaves_the_home_page(client, staff_user):
    firm = _verified("Lapsing Knit Ltd")
    services.organisation_set_verification(
        organisation=firm, actor=staff_user, verification=Organisation.Verification.VERIFIED
    )
    assert "Lapsing Knit Ltd" in client.get(reverse("home")).content.decode()

    services.organisation_set_verification(
        organisation=firm, actor=staff_user, verification=Organisation.Verification.REJECTED
    )

    assert "Lapsing Knit Ltd" not in client.get(reverse("home")).content.decode()


def test_the_directory_page_is_drawn_from_the_cache_once_drawn(client, staff_user):
    firm = _verified("Listed Knit Ltd")
    services.organisation_set_verification(
        organisation=firm, actor=staff_user, verification=Organisation.Verification.VERIFIED
    )
    client.get(reverse("supplier-directory"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("supplier-directory"))

    assert "Listed Knit Ltd" in response.content.decode()
    # Only the page's count remains; the rows and their certificates are not read again.
    reads = [q for q in queries.captured_queries if "companies_organisation" in q["sql"]]
    assert len(reads) <= 1


def test_a_supplier_no_longer_verified_leaves_the_directory_at_once(client, staff_user):
    firm = _verified("Old Name Knit Ltd")
    services.organisation_set_verification(
        organisation=firm, actor=staff_user, verification=Organisation.Verification.VERIFIED
    )
    assert "Old Name Knit Ltd" in client.get(reverse("supplier-directory")).content.decode()

    services.organisation_set_verification(
        organisation=firm, actor=staff_user, verification=Organisation.Verification.REJECTED
    )
    page = client.get(reverse("supplier-directory")).content.decode()

    assert "Old Name Knit Ltd" not in page


def test_each_filter_and_page_of_the_directory_is_cached_apart(client, staff_user):
    for name, country in (("Hanoi Knit Ltd", "VN"), ("Dhaka Knit Ltd", "BD")):
        firm = SupplierFactory(legal_name=name, country=country)
        UserFactory(organisation=firm)
        services.organisation_set_verification(
            organisation=firm, actor=staff_user, verification=Organisation.Verification.VERIFIED
        )
    client.get(reverse("supplier-directory"))

    page = client.get(reverse("supplier-directory") + "?country=BD").content.decode()

    assert "Dhaka Knit Ltd" in page
    assert "Hanoi Knit Ltd" not in page
