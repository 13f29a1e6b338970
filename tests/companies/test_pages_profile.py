"""Pages: dashboard, public profile and profile edit."""

import pytest
from django.urls import reverse

from tests.factories import (
    CertificationFactory,
    ContactPersonFactory,
    ProductLineFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def edit_data(organisation, **overrides):
    """What the edit form posts when the user changes nothing but ``overrides``."""
    data = {
        "legal_name": organisation.legal_name,
        "local_name": "",
        "country": organisation.country,
        "province": "",
        "city": organisation.city,
        "nearest_port": "",
        "year_founded": "",
        "employees_band": "",
        "website": "",
        "description": organisation.description,
    }
    if organisation.is_supplier:
        data.update(processes="", hs_codes="", isic_codes="")
    if organisation.is_buyer:
        data.update(sectors_of_interest="")
    return {**data, **overrides}


class TestDashboard:
    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get(reverse("dashboard"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_shows_my_organisation_and_its_verification(self, client, supplier_user):
        client.force_login(supplier_user)
        response = client.get(reverse("dashboard"))
        html = response.content.decode()
        assert response.status_code == 200
        assert supplier_user.organisation.legal_name in html
        assert "Awaiting verification" in html

    def test_counts_expired_certificates(self, client, supplier, supplier_user):
        CertificationFactory(organisation=supplier, valid_until="2020-01-01")
        client.force_login(supplier_user)
        assert "1 expired" in client.get(reverse("dashboard")).content.decode()

    @pytest.mark.parametrize("user_fixture", ["buyer_user", "cluster_body_user", "staff_user"])
    def test_renders_for_every_kind_of_user(self, client, request, user_fixture):
        client.force_login(request.getfixturevalue(user_fixture))
        assert client.get(reverse("dashboard")).status_code == 200


class TestPublicProfile:
    def test_shows_codes_product_lines_and_valid_certifications(self, client, supplier):
        supplier.hs_codes.set(["610910"])
        ProductLineFactory(organisation=supplier, monthly_capacity=20000)
        CertificationFactory(organisation=supplier)
        response = client.get(reverse("organisation-profile", args=[supplier.slug]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "610910" in html
        assert "T-shirts" in html
        assert "20000" in html
        assert "ISO 9001" in html

    def test_hides_expired_certificates(self, client, supplier):
        CertificationFactory(organisation=supplier, valid_until="2020-01-01")
        html = client.get(reverse("organisation-profile", args=[supplier.slug])).content.decode()
        assert "ISO 9001" not in html

    def test_never_shows_contact_people(self, client, supplier, supplier_user):
        contact = ContactPersonFactory(
            organisation=supplier, email="secret.person@firm.example", phone="+84 99 123"
        )
        for viewer in (None, supplier_user):
            if viewer:
                client.force_login(viewer)
            html = client.get(
                reverse("organisation-profile", args=[supplier.slug])
            ).content.decode()
            assert contact.email not in html
            assert contact.phone not in html
            assert contact.name not in html

    def test_unknown_slug_is_not_found(self, client):
        response = client.get(reverse("organisation-profile", args=["no-such-firm"]))
        assert response.status_code == 404

    def test_buyer_profile_renders(self, client, buyer):
        buyer.sourcing_regions = ["VN", "KH"]
        buyer.save()
        html = client.get(reverse("organisation-profile", args=[buyer.slug])).content.decode()
        assert "Cambodia" in html


class TestProfileEdit:
    def test_anonymous_is_sent_to_log_in(self, client, supplier):
        response = client.get(reverse("organisation-edit", args=[supplier.pk]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_form_shows_existing_codes_with_their_descriptions(
        self, client, supplier, supplier_user
    ):
        supplier.hs_codes.set(["610910"])
        supplier.isic_codes.set(["1410"])
        client.force_login(supplier_user)
        response = client.get(reverse("organisation-edit", args=[supplier.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'value="610910"' in html
        assert 'data-code="610910"' in html
        assert "T-shirts, singlets" in html
        assert 'data-code="1410"' in html
        assert 'data-code-picker="hs"' in html

    def test_another_organisations_edit_page_is_not_found(
        self, client, supplier, other_supplier_user
    ):
        client.force_login(other_supplier_user)
        assert client.get(reverse("organisation-edit", args=[supplier.pk])).status_code == 404
        response = client.post(
            reverse("organisation-edit", args=[supplier.pk]),
            edit_data(supplier, legal_name="Hijacked"),
        )
        assert response.status_code == 404
        supplier.refresh_from_db()
        assert supplier.legal_name != "Hijacked"

    def test_valid_codes_and_lists_are_saved(self, client, supplier, supplier_user):
        client.force_login(supplier_user)
        response = client.post(
            reverse("organisation-edit", args=[supplier.pk]),
            edit_data(
                supplier,
                hs_codes="610910, 6110.20",
                isic_codes="1410",
                export_markets=["DE", "US"],
                languages=["vi", "en"],
                province="VN-SG",
                year_founded="2004",
            ),
        )
        assert response.status_code == 302
        assert response.url == reverse("organisation-profile", args=[supplier.slug])
        supplier.refresh_from_db()
        assert sorted(supplier.hs_codes.values_list("code", flat=True)) == ["610910", "611020"]
        assert list(supplier.isic_codes.values_list("code", flat=True)) == ["1410"]
        assert supplier.export_markets == ["DE", "US"]
        assert supplier.languages == ["vi", "en"]
        assert supplier.province == "VN-SG"
        assert supplier.year_founded == 2004

    def test_saved_codes_appear_on_the_profile(self, client, supplier, supplier_user):
        client.force_login(supplier_user)
        response = client.post(
            reverse("organisation-edit", args=[supplier.pk]),
            edit_data(supplier, hs_codes="610910"),
            follow=True,
        )
        html = response.content.decode()
        assert "Profile saved." in html
        assert "610910" in html

    def test_unknown_hs_code_reshows_the_form_and_writes_nothing(
        self, client, supplier, supplier_user
    ):
        supplier.hs_codes.set(["610910"])
        client.force_login(supplier_user)
        response = client.post(
            reverse("organisation-edit", args=[supplier.pk]),
            edit_data(supplier, hs_codes="610910, 610999", legal_name="Renamed Ltd"),
        )
        assert response.status_code == 200
        assert "Unknown HS code: 610999." in response.context["form"].errors["hs_codes"]
        assert "Unknown HS code: 610999." in response.content.decode()
        supplier.refresh_from_db()
        assert supplier.legal_name != "Renamed Ltd"
        assert list(supplier.hs_codes.values_list("code", flat=True)) == ["610910"]

    def test_unknown_country_reshows_the_form_and_writes_nothing(
        self, client, supplier, supplier_user
    ):
        client.force_login(supplier_user)
        response = client.post(
            reverse("organisation-edit", args=[supplier.pk]),
            edit_data(supplier, country="XX", city="Nowhere"),
        )
        assert response.status_code == 200
        assert "Unknown country code: XX." in response.context["form"].errors["country"]
        supplier.refresh_from_db()
        assert supplier.country == "VN"
        assert supplier.city != "Nowhere"

    def test_unknown_export_market_is_a_field_error(self, client, supplier, supplier_user):
        client.force_login(supplier_user)
        response = client.post(
            reverse("organisation-edit", args=[supplier.pk]),
            edit_data(supplier, export_markets=["DE", "ZZ"]),
        )
        assert "export_markets" in response.context["form"].errors
        supplier.refresh_from_db()
        assert supplier.export_markets == []

    def test_oversized_text_reshows_the_form_and_writes_nothing(
        self, client, supplier, supplier_user
    ):
        client.force_login(supplier_user)
        response = client.post(
            reverse("organisation-edit", args=[supplier.pk]),
            edit_data(supplier, description="x" * 5001, city="Da Nang"),
        )
        assert response.status_code == 200
        assert "At most 5000 characters" in response.content.decode()
        assert "description" in response.context["form"].errors
        supplier.refresh_from_db()
        assert supplier.city != "Da Nang"
        assert len(supplier.description) < 5001

    def test_province_of_another_country_is_a_field_error(self, client, supplier, supplier_user):
        client.force_login(supplier_user)
        response = client.post(
            reverse("organisation-edit", args=[supplier.pk]),
            edit_data(supplier, province="TH-10"),
        )
        assert "province" in response.context["form"].errors
        supplier.refresh_from_db()
        assert supplier.province == ""

    def test_buyer_edits_sourcing_regions_and_sectors(self, client, buyer, buyer_user):
        client.force_login(buyer_user)
        page = client.get(reverse("organisation-edit", args=[buyer.pk])).content.decode()
        assert 'name="hs_codes"' not in page
        assert 'name="sectors_of_interest"' in page
        response = client.post(
            reverse("organisation-edit", args=[buyer.pk]),
            edit_data(buyer, sourcing_regions=["VN", "BD"], sectors_of_interest="1410, 14"),
        )
        assert response.status_code == 302
        buyer.refresh_from_db()
        assert buyer.sourcing_regions == ["VN", "BD"]
        assert sorted(buyer.sectors_of_interest.values_list("code", flat=True)) == ["14", "1410"]

    def test_unknown_sector_is_a_field_error(self, client, buyer, buyer_user):
        client.force_login(buyer_user)
        response = client.post(
            reverse("organisation-edit", args=[buyer.pk]),
            edit_data(buyer, sectors_of_interest="9999"),
        )
        assert "sectors_of_interest" in response.context["form"].errors
        assert not buyer.sectors_of_interest.exists()

    def test_staff_without_an_organisation_are_sent_to_the_dashboard(self, client, staff_user):
        # Staff change organisations in the admin; these pages are for members.
        supplier = SupplierFactory()
        client.force_login(staff_user)
        response = client.get(reverse("organisation-edit", args=[supplier.pk]))
        assert response.status_code == 302
        assert response.url == reverse("dashboard")
