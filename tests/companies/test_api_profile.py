"""Organisation profiles through the API: the public directory, public and private
profiles, profile changes and contact people."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import ContactPerson, Organisation
from tests.factories import (
    CertificationFactory,
    ContactPersonFactory,
    ProductLineFactory,
    SupplierFactory,
    UserFactory,
)

DIRECTORY_URL = reverse("api:organisation-list")

pytestmark = pytest.mark.django_db


def detail_url(organisation):
    return reverse("api:organisation-detail", kwargs={"organisation_id": organisation.pk})


def private_url(organisation):
    return reverse("api:organisation-private", kwargs={"organisation_id": organisation.pk})


def contacts_url(organisation):
    return reverse("api:organisation-contact-list", kwargs={"organisation_id": organisation.pk})


def contact_url(contact):
    return reverse("api:contact-detail", kwargs={"pk": contact.pk})


def verified_supplier(**kwargs):
    return SupplierFactory(verification=Organisation.Verification.VERIFIED, **kwargs)


def directory_names(response):
    assert response.status_code == 200
    return [row["legal_name"] for row in response.json()["results"]]


# DIRECTORY
# ------------------------------------------------------------------------------


def test_directory_lists_verified_suppliers_only(api_client):
    verified_supplier(legal_name="Verified Knit")
    SupplierFactory(legal_name="Unverified Knit")
    SupplierFactory(
        legal_name="Verified Buyer",
        kind=Organisation.Kind.BUYER,
        verification=Organisation.Verification.VERIFIED,
    )

    response = api_client.get(DIRECTORY_URL)

    assert directory_names(response) == ["Verified Knit"]


def test_directory_is_paginated(api_client):
    for n in range(3):
        verified_supplier(legal_name=f"Knit {n}")

    response = api_client.get(DIRECTORY_URL, {"page_size": 2})

    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]


def test_directory_filters_by_words(api_client):
    verified_supplier(legal_name="Sialkot Surgical", description="Surgical instruments")
    verified_supplier(legal_name="Penang Boards", description="Printed circuit boards")

    response = api_client.get(DIRECTORY_URL, {"q": "surgical"})

    assert directory_names(response) == ["Sialkot Surgical"]


def test_directory_filters_by_country(api_client):
    verified_supplier(legal_name="Hanoi Knit", country="VN")
    verified_supplier(legal_name="Phnom Penh Knit", country="KH")

    response = api_client.get(DIRECTORY_URL, {"country": "kh"})

    assert directory_names(response) == ["Phnom Penh Knit"]


def test_directory_heading_finds_suppliers_of_its_subheadings(api_client):
    tshirts = verified_supplier(legal_name="T-shirt Maker")
    tshirts.hs_codes.set(["610910"])
    verified_supplier(legal_name="Other Maker").hs_codes.set(["620342"])

    response = api_client.get(DIRECTORY_URL, {"hs_code": "6109"})

    assert directory_names(response) == ["T-shirt Maker"]


def test_directory_filters_by_isic_code(api_client):
    verified_supplier(legal_name="Apparel Maker").isic_codes.set(["1410"])
    verified_supplier(legal_name="No Codes")

    response = api_client.get(DIRECTORY_URL, {"isic_code": "1410"})

    assert directory_names(response) == ["Apparel Maker"]


def test_directory_certification_filter_counts_valid_certificates(api_client):
    holder = verified_supplier(legal_name="Certified Knit")
    CertificationFactory(organisation=holder, scheme_id="oeko-tex")

    response = api_client.get(DIRECTORY_URL, {"certification": "oeko-tex"})

    assert directory_names(response) == ["Certified Knit"]


def test_directory_certification_filter_ignores_expired_certificates(api_client):
    lapsed = verified_supplier(legal_name="Lapsed Knit")
    CertificationFactory(
        organisation=lapsed,
        scheme_id="oeko-tex",
        valid_until=timezone.localdate() - timedelta(days=1),
    )

    response = api_client.get(DIRECTORY_URL, {"certification": "oeko-tex"})

    assert directory_names(response) == []


def test_directory_never_shows_contacts_or_certificate_numbers(api_client):
    supplier = verified_supplier()
    ContactPersonFactory(organisation=supplier, email="secret.person@firm.example")
    CertificationFactory(organisation=supplier, certificate_number="SECRET-CERT-123")

    response = api_client.get(DIRECTORY_URL)

    body = response.content.decode()
    assert response.json()["count"] == 1
    assert "secret.person@firm.example" not in body
    assert "SECRET-CERT-123" not in body


# PUBLIC AND PRIVATE PROFILES
# ------------------------------------------------------------------------------


def test_public_profile_shows_capabilities(api_client, supplier):
    supplier.hs_codes.set(["610910"])
    ProductLineFactory(organisation=supplier)
    CertificationFactory(organisation=supplier, issuer="Bureau Veritas")

    response = api_client.get(detail_url(supplier))

    assert response.status_code == 200
    body = response.json()
    assert body["hs_codes"][0]["code"] == "610910"
    assert body["product_lines"][0]["monthly_capacity"] == 20000
    certificate = body["certifications"][0]
    assert certificate["issuer"] == "Bureau Veritas"
    assert certificate["is_expired"] is False
    assert "evidence" not in certificate
    assert "certificate_number" not in certificate


def test_public_profile_never_shows_contacts(api_client, supplier):
    ContactPersonFactory(organisation=supplier, email="secret.person@firm.example")

    response = api_client.get(detail_url(supplier))

    assert response.status_code == 200
    assert "secret.person@firm.example" not in response.content.decode()


def test_public_profile_of_unknown_organisation_is_404(api_client, db):
    response = api_client.get(reverse("api:organisation-detail", kwargs={"organisation_id": 999}))

    assert response.status_code == 404


def test_private_profile_shows_contacts_to_own_users(api_as, supplier_user):
    ContactPersonFactory(organisation=supplier_user.organisation, email="sales@firm.example")

    response = api_as(supplier_user).get(private_url(supplier_user.organisation))

    assert response.status_code == 200
    assert response.json()["contacts"][0]["email"] == "sales@firm.example"


def test_private_profile_shows_contacts_to_staff(api_as, staff_user, supplier):
    ContactPersonFactory(organisation=supplier, email="sales@firm.example")

    response = api_as(staff_user).get(private_url(supplier))

    assert response.json()["contacts"][0]["email"] == "sales@firm.example"


def test_private_profile_of_another_organisation_is_404(api_as, other_supplier_user, supplier):
    ContactPersonFactory(organisation=supplier, email="sales@firm.example")

    response = api_as(other_supplier_user).get(private_url(supplier))

    assert response.status_code == 404
    assert "sales@firm.example" not in response.content.decode()


# PROFILE CHANGES
# ------------------------------------------------------------------------------


def test_owner_updates_profile_with_code_lists(api_as, supplier_user):
    organisation = supplier_user.organisation

    response = api_as(supplier_user).patch(
        detail_url(organisation),
        {
            "description": "Cotton jersey T-shirts for European brands.",
            "hs_codes": ["6109.10", "610990"],
            "isic_codes": ["1410"],
            "export_markets": ["de", "FR"],
            "languages": ["vi", "en"],
            "province": "VN-SG",
            "year_founded": 2004,
        },
        format="json",
    )

    assert response.status_code == 200
    organisation.refresh_from_db()
    assert set(organisation.hs_codes.values_list("code", flat=True)) == {"610910", "610990"}
    assert list(organisation.isic_codes.values_list("code", flat=True)) == ["1410"]
    assert organisation.export_markets == ["DE", "FR"]
    assert organisation.languages == ["vi", "en"]
    assert organisation.year_founded == 2004
    assert [c["code"] for c in response.json()["hs_codes"]] == ["610910", "610990"]


def test_buyer_updates_sectors_and_sourcing_regions(api_as, buyer_user):
    organisation = buyer_user.organisation

    response = api_as(buyer_user).patch(
        detail_url(organisation),
        {"sectors_of_interest": ["1410"], "sourcing_regions": ["VN", "BD"]},
        format="json",
    )

    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.sourcing_regions == ["VN", "BD"]
    assert list(organisation.sectors_of_interest.values_list("code", flat=True)) == ["1410"]


def test_update_with_unknown_hs_code_is_refused_and_writes_nothing(api_as, supplier_user):
    organisation = supplier_user.organisation
    organisation.hs_codes.set(["610910"])

    response = api_as(supplier_user).patch(
        detail_url(organisation),
        {"hs_codes": ["610910", "619999"], "description": "Changed"},
        format="json",
    )

    assert response.status_code == 400
    assert "619999" in response.json()["errors"]["hs_codes"][0]
    organisation.refresh_from_db()
    assert list(organisation.hs_codes.values_list("code", flat=True)) == ["610910"]
    assert organisation.description == "Knitted garments for export."


def test_update_with_unknown_country_code_in_list_is_refused(api_as, supplier_user):
    organisation = supplier_user.organisation

    response = api_as(supplier_user).patch(
        detail_url(organisation), {"export_markets": ["DE", "XX"]}, format="json"
    )

    assert response.status_code == 400
    assert "export_markets" in response.json()["errors"]
    organisation.refresh_from_db()
    assert organisation.export_markets == []


def test_update_with_unknown_language_is_refused(api_as, supplier_user):
    response = api_as(supplier_user).patch(
        detail_url(supplier_user.organisation), {"languages": ["xx"]}, format="json"
    )

    assert response.status_code == 400
    assert "languages" in response.json()["errors"]


def test_user_cannot_verify_own_organisation(api_as, supplier_user):
    organisation = supplier_user.organisation

    response = api_as(supplier_user).patch(
        detail_url(organisation), {"verification": "verified"}, format="json"
    )

    assert response.status_code == 400
    assert "verification" in response.json()["errors"]
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.UNVERIFIED


def test_buyer_fields_refused_on_supplier(api_as, supplier_user):
    response = api_as(supplier_user).patch(
        detail_url(supplier_user.organisation), {"sourcing_regions": ["VN"]}, format="json"
    )

    assert response.status_code == 400
    assert "sourcing_regions" in response.json()["errors"]


def test_update_of_another_organisation_is_404_and_writes_nothing(
    api_as, other_supplier_user, supplier
):
    response = api_as(other_supplier_user).patch(
        detail_url(supplier), {"description": "Defaced"}, format="json"
    )

    assert response.status_code == 404
    supplier.refresh_from_db()
    assert supplier.description == "Knitted garments for export."


def test_anonymous_update_is_refused(api_client, supplier):
    response = api_client.patch(detail_url(supplier), {"description": "Defaced"}, format="json")

    assert response.status_code == 401
    supplier.refresh_from_db()
    assert supplier.description == "Knitted garments for export."


# CONTACT PEOPLE
# ------------------------------------------------------------------------------


def test_member_adds_contact(api_as, supplier_user):
    organisation = supplier_user.organisation

    response = api_as(supplier_user).post(
        contacts_url(organisation),
        {"name": "Le Thi Hoa", "email": "hoa@firm.example", "phone": "+84 90 000 0000"},
        format="json",
    )

    assert response.status_code == 201
    assert organisation.contacts.get().email == "hoa@firm.example"


def test_contact_with_malformed_email_is_refused_and_writes_nothing(api_as, supplier_user):
    response = api_as(supplier_user).post(
        contacts_url(supplier_user.organisation),
        {"name": "Le Thi Hoa", "email": "not-an-email"},
        format="json",
    )

    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert not ContactPerson.objects.exists()


def test_contact_list_shows_own_contacts(api_as, supplier_user):
    ContactPersonFactory(organisation=supplier_user.organisation, email="sales@firm.example")

    response = api_as(supplier_user).get(contacts_url(supplier_user.organisation))

    assert [c["email"] for c in response.json()["results"]] == ["sales@firm.example"]


def test_contact_list_of_another_organisation_is_404(api_as, other_supplier_user, supplier):
    ContactPersonFactory(organisation=supplier, email="sales@firm.example")

    response = api_as(other_supplier_user).get(contacts_url(supplier))

    assert response.status_code == 404
    assert "sales@firm.example" not in response.content.decode()


def test_adding_contact_to_another_organisation_is_404_and_writes_nothing(
    api_as, other_supplier_user, supplier
):
    response = api_as(other_supplier_user).post(
        contacts_url(supplier), {"name": "Intruder", "email": "x@rival.example"}, format="json"
    )

    assert response.status_code == 404
    assert not ContactPerson.objects.exists()


def test_member_updates_contact(api_as, supplier_user):
    contact = ContactPersonFactory(organisation=supplier_user.organisation)

    response = api_as(supplier_user).patch(
        contact_url(contact), {"position": "Export manager"}, format="json"
    )

    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.position == "Export manager"


def test_member_deletes_contact(api_as, supplier_user):
    contact = ContactPersonFactory(organisation=supplier_user.organisation)

    response = api_as(supplier_user).delete(contact_url(contact))

    assert response.status_code == 204
    assert not ContactPerson.objects.exists()


def test_contact_of_another_organisation_is_404_to_read(api_as, other_supplier_user, supplier):
    contact = ContactPersonFactory(organisation=supplier)

    response = api_as(other_supplier_user).get(contact_url(contact))

    assert response.status_code == 404


def test_contact_of_another_organisation_is_404_to_change(api_as, other_supplier_user, supplier):
    contact = ContactPersonFactory(organisation=supplier, position="Sales")

    response = api_as(other_supplier_user).patch(
        contact_url(contact), {"position": "Hijacked"}, format="json"
    )

    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.position == "Sales"


def test_contact_of_another_organisation_is_404_to_delete(api_as, other_supplier_user, supplier):
    contact = ContactPersonFactory(organisation=supplier)

    response = api_as(other_supplier_user).delete(contact_url(contact))

    assert response.status_code == 404
    assert ContactPerson.objects.filter(pk=contact.pk).exists()


def test_colleague_of_same_organisation_sees_contact(api_as, supplier_user):
    colleague = UserFactory(organisation=supplier_user.organisation, role="member")
    contact = ContactPersonFactory(organisation=supplier_user.organisation)

    response = api_as(colleague).get(contact_url(contact))

    assert response.status_code == 200


def test_directory_query_count_does_not_grow_with_suppliers(
    api_client, django_assert_max_num_queries
):
    for n in range(8):
        supplier = verified_supplier(legal_name=f"Knit {n}")
        supplier.hs_codes.set(["610910"])
        supplier.isic_codes.set(["1410"])
        CertificationFactory(organisation=supplier)
        ProductLineFactory(organisation=supplier)

    # One count, one page, one query per prefetched relation.
    with django_assert_max_num_queries(8):
        response = api_client.get(DIRECTORY_URL)

    assert response.json()["count"] == 8
