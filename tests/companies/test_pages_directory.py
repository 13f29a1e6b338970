"""Page: the public directory of verified suppliers."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import Organisation
from tests.factories import BuyerFactory, CertificationFactory, ProductLineFactory, SupplierFactory

pytestmark = pytest.mark.django_db

VERIFIED = Organisation.Verification.VERIFIED


def names(response) -> list[str]:
    return [org.legal_name for org in response.context["page"].object_list]


@pytest.fixture
def knitter():
    org = SupplierFactory(
        legal_name="Saigon Knitwear JSC",
        country="VN",
        verification=VERIFIED,
        description="Cotton jersey T-shirts and polo shirts.",
    )
    org.hs_codes.set(["610910"])
    org.isic_codes.set(["1410"])
    return org


@pytest.fixture
def instrument_maker():
    org = SupplierFactory(
        legal_name="Sialkot Surgical Works",
        country="PK",
        verification=VERIFIED,
        description="Stainless steel surgical instruments.",
    )
    org.hs_codes.set(["901890"])
    CertificationFactory(organisation=org, scheme_id="iso-13485")
    return org


class TestDirectory:
    def test_renders_with_an_empty_state(self, client):
        response = client.get(reverse("supplier-directory"))
        assert response.status_code == 200
        assert "No supplier has been verified yet." in response.content.decode()

    def test_lists_verified_suppliers_only(self, client, knitter):
        SupplierFactory(legal_name="Unverified Garments")
        SupplierFactory(legal_name="Rejected Garments", verification="rejected")
        BuyerFactory(legal_name="Verified Buyer GmbH", verification=VERIFIED)
        response = client.get(reverse("supplier-directory"))
        assert names(response) == ["Saigon Knitwear JSC"]
        html = response.content.decode()
        assert "Unverified Garments" not in html
        assert "Verified Buyer GmbH" not in html

    def test_heading_finds_a_supplier_of_its_subheading(self, client, knitter, instrument_maker):
        response = client.get(reverse("supplier-directory"), {"hs_code": "6109"})
        assert names(response) == ["Saigon Knitwear JSC"]

    def test_hs_code_of_a_product_line_counts(self, client, instrument_maker):
        ProductLineFactory(organisation=instrument_maker, hs_code_id="610910")
        response = client.get(reverse("supplier-directory"), {"hs_code": "61.09"})
        assert names(response) == ["Sialkot Surgical Works"]

    def test_filters_by_text(self, client, knitter, instrument_maker):
        response = client.get(reverse("supplier-directory"), {"text": "surgical"})
        assert names(response) == ["Sialkot Surgical Works"]

    def test_filters_by_country(self, client, knitter, instrument_maker):
        response = client.get(reverse("supplier-directory"), {"country": "VN"})
        assert names(response) == ["Saigon Knitwear JSC"]

    def test_filters_by_isic_code(self, client, knitter, instrument_maker):
        response = client.get(reverse("supplier-directory"), {"isic_code": "14"})
        assert names(response) == ["Saigon Knitwear JSC"]

    def test_filters_by_valid_certification(self, client, knitter, instrument_maker):
        CertificationFactory(
            organisation=knitter,
            scheme_id="iso-13485",
            valid_until=timezone.localdate() - timedelta(days=1),
        )
        response = client.get(reverse("supplier-directory"), {"certification": "iso-13485"})
        assert names(response) == ["Sialkot Surgical Works"]

    def test_no_match_shows_a_helpful_empty_state(self, client, knitter):
        response = client.get(reverse("supplier-directory"), {"hs_code": "01"})
        assert names(response) == []
        assert "No verified supplier matches these filters." in response.content.decode()

    def test_unknown_country_filter_is_reported(self, client, knitter):
        response = client.get(reverse("supplier-directory"), {"country": "XX"})
        assert response.status_code == 200
        assert "country" in response.context["form"].errors
        assert response.context["page"] is None

    def test_never_shows_contact_people(self, client, knitter):
        from tests.factories import ContactPersonFactory

        contact = ContactPersonFactory(organisation=knitter, email="sales.lead@knit.example")
        html = client.get(reverse("supplier-directory")).content.decode()
        assert contact.email not in html
