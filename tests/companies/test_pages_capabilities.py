"""Pages: certifications, product lines and contact people of my organisation."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from companies.models import Certification, ContactPerson, ProductLine
from tests.factories import CertificationFactory, ContactPersonFactory, ProductLineFactory

pytestmark = pytest.mark.django_db


def pdf(size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile("cert.pdf", b"%PDF-1.4 " + b"x" * size, "application/pdf")


def certificate_data(**overrides):
    data = {
        "scheme": "oeko-tex",
        "issuer": "Hohenstein",
        "certificate_number": "OT-2026-118",
        "valid_until": (timezone.localdate() + timedelta(days=300)).isoformat(),
    }
    return {**data, **overrides}


def product_line_data(**overrides):
    data = {
        "hs_code": "610910",
        "description": "Cotton jersey T-shirts",
        "monthly_capacity": "20000",
        "unit": "pieces",
        "min_order_quantity": "500",
    }
    return {**data, **overrides}


@pytest.fixture
def logged_in(client, supplier_user):
    client.force_login(supplier_user)
    return client


class TestPrivatePagesNeedLogIn:
    @pytest.mark.parametrize(
        "name",
        [
            "certification-list",
            "certification-add",
            "product-line-list",
            "product-line-add",
            "contact-list",
            "contact-add",
            "colleague-list",
            "colleague-invite",
        ],
    )
    def test_anonymous_is_sent_to_log_in(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


class TestCertifications:
    def test_empty_list_invites_to_add_one(self, logged_in):
        response = logged_in.get(reverse("certification-list"))
        assert response.status_code == 200
        assert "No certification yet" in response.content.decode()

    def test_add_form_renders_the_catalogue(self, logged_in):
        html = logged_in.get(reverse("certification-add")).content.decode()
        assert 'value="iso-13485"' in html
        assert 'enctype="multipart/form-data"' in html

    def test_upload_with_pdf_evidence_is_added(self, logged_in, supplier):
        response = logged_in.post(reverse("certification-add"), certificate_data(evidence=pdf()))
        assert response.status_code == 302
        certification = Certification.objects.get(organisation=supplier)
        assert certification.scheme_id == "oeko-tex"
        assert certification.status == Certification.Status.PENDING
        assert certification.evidence.read(5) == b"%PDF-"
        certification.evidence.delete(save=False)

    @override_settings(EVIDENCE_MAX_BYTES=1024)
    def test_oversized_evidence_is_refused(self, logged_in):
        response = logged_in.post(
            reverse("certification-add"), certificate_data(evidence=pdf(size=4096))
        )
        assert response.status_code == 200
        assert "evidence" in response.context["form"].errors
        assert "larger than" in response.content.decode()
        assert not Certification.objects.exists()

    def test_evidence_that_is_not_a_pdf_or_image_is_refused(self, logged_in):
        fake = SimpleUploadedFile("cert.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
        response = logged_in.post(reverse("certification-add"), certificate_data(evidence=fake))
        assert "evidence" in response.context["form"].errors
        assert not Certification.objects.exists()

    def test_past_valid_until_is_refused(self, logged_in):
        response = logged_in.post(
            reverse("certification-add"),
            certificate_data(valid_until=(timezone.localdate() - timedelta(days=1)).isoformat()),
        )
        assert response.status_code == 200
        assert "already expired" in response.context["form"].errors["valid_until"][0]
        assert not Certification.objects.exists()

    def test_list_shows_expired_ones_as_expired(self, logged_in, supplier):
        CertificationFactory(
            organisation=supplier, valid_until=timezone.localdate() - timedelta(days=3)
        )
        html = logged_in.get(reverse("certification-list")).content.decode()
        assert "ISO 9001" in html
        assert "Expired" in html

    def test_evidence_is_served_to_its_organisation(self, logged_in, supplier):
        logged_in.post(reverse("certification-add"), certificate_data(evidence=pdf()))
        certification = Certification.objects.get(organisation=supplier)
        response = logged_in.get(reverse("certification-evidence", args=[certification.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        certification.evidence.delete(save=False)

    def test_evidence_of_another_organisation_is_not_found(
        self, client, supplier, supplier_user, other_supplier_user
    ):
        client.force_login(supplier_user)
        client.post(reverse("certification-add"), certificate_data(evidence=pdf()))
        certification = Certification.objects.get(organisation=supplier)
        client.force_login(other_supplier_user)
        response = client.get(reverse("certification-evidence", args=[certification.pk]))
        assert response.status_code == 404
        certification.evidence.delete(save=False)

    def test_delete_asks_then_removes(self, logged_in, supplier):
        certification = CertificationFactory(organisation=supplier)
        url = reverse("certification-delete", args=[certification.pk])
        assert logged_in.get(url).status_code == 200
        assert Certification.objects.filter(pk=certification.pk).exists()
        assert logged_in.post(url).status_code == 302
        assert not Certification.objects.filter(pk=certification.pk).exists()

    def test_another_organisations_certificate_is_not_found(
        self, client, supplier, other_supplier_user
    ):
        certification = CertificationFactory(organisation=supplier)
        client.force_login(other_supplier_user)
        url = reverse("certification-delete", args=[certification.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        assert Certification.objects.filter(pk=certification.pk).exists()
        html = client.get(reverse("certification-list")).content.decode()
        assert certification.certificate_number not in html


class TestProductLines:
    def test_empty_list_explains_product_lines(self, logged_in):
        response = logged_in.get(reverse("product-line-list"))
        assert response.status_code == 200
        assert "No product line yet" in response.content.decode()

    def test_add_form_renders_with_the_code_picker(self, logged_in):
        html = logged_in.get(reverse("product-line-add")).content.decode()
        assert 'data-code-picker="hs"' in html
        assert 'data-multiple="false"' in html

    def test_add(self, logged_in, supplier):
        response = logged_in.post(reverse("product-line-add"), product_line_data())
        assert response.status_code == 302
        line = ProductLine.objects.get(organisation=supplier)
        assert (line.hs_code_id, line.monthly_capacity, line.unit) == ("610910", 20000, "pieces")

    def test_negative_capacity_is_refused(self, logged_in):
        response = logged_in.post(
            reverse("product-line-add"), product_line_data(monthly_capacity="-5")
        )
        assert response.status_code == 200
        assert "monthly_capacity" in response.context["form"].errors
        assert not ProductLine.objects.exists()

    def test_unknown_hs_code_is_refused(self, logged_in):
        response = logged_in.post(reverse("product-line-add"), product_line_data(hs_code="610999"))
        assert "Unknown HS code: 610999." in response.context["form"].errors["hs_code"]
        assert not ProductLine.objects.exists()

    def test_edit_shows_the_code_and_saves(self, logged_in, supplier):
        line = ProductLineFactory(organisation=supplier)
        url = reverse("product-line-edit", args=[line.pk])
        html = logged_in.get(url).content.decode()
        assert 'value="610910"' in html
        assert "T-shirts" in html
        response = logged_in.post(url, product_line_data(monthly_capacity="35000", unit="dozens"))
        assert response.status_code == 302
        line.refresh_from_db()
        assert (line.monthly_capacity, line.unit) == (35000, "dozens")

    def test_edit_with_negative_minimum_order_changes_nothing(self, logged_in, supplier):
        line = ProductLineFactory(organisation=supplier, min_order_quantity=500)
        response = logged_in.post(
            reverse("product-line-edit", args=[line.pk]),
            product_line_data(min_order_quantity="-1", monthly_capacity="1"),
        )
        assert "min_order_quantity" in response.context["form"].errors
        line.refresh_from_db()
        assert (line.min_order_quantity, line.monthly_capacity) == (500, 20000)

    def test_delete(self, logged_in, supplier):
        line = ProductLineFactory(organisation=supplier)
        url = reverse("product-line-delete", args=[line.pk])
        assert logged_in.get(url).status_code == 200
        assert logged_in.post(url).status_code == 302
        assert not ProductLine.objects.exists()

    def test_another_organisations_product_line_is_not_found(
        self, client, supplier, other_supplier_user
    ):
        line = ProductLineFactory(organisation=supplier)
        client.force_login(other_supplier_user)
        for name in ("product-line-edit", "product-line-delete"):
            assert client.get(reverse(name, args=[line.pk])).status_code == 404
            assert (
                client.post(reverse(name, args=[line.pk]), product_line_data()).status_code == 404
            )
        line.refresh_from_db()
        assert line.monthly_capacity == 20000
        assert "Cotton" not in client.get(reverse("product-line-list")).content.decode()

    def test_a_buyer_is_told_product_lines_are_for_suppliers(self, client, buyer_user):
        client.force_login(buyer_user)
        html = client.get(reverse("product-line-list")).content.decode()
        assert "Only SME suppliers list product lines." in html


class TestContactPeople:
    def test_empty_list_renders(self, logged_in):
        response = logged_in.get(reverse("contact-list"))
        assert response.status_code == 200
        assert "No contact person yet" in response.content.decode()

    def test_add(self, logged_in, supplier):
        response = logged_in.post(
            reverse("contact-add"),
            {"name": "Le Thi Hoa", "email": "hoa@firm.example", "is_primary": "on"},
        )
        assert response.status_code == 302
        contact = ContactPerson.objects.get(organisation=supplier)
        assert contact.is_primary
        assert "hoa@firm.example" in logged_in.get(reverse("contact-list")).content.decode()

    def test_bad_email_is_refused(self, logged_in):
        response = logged_in.post(reverse("contact-add"), {"name": "X", "email": "not-an-email"})
        assert "email" in response.context["form"].errors
        assert not ContactPerson.objects.exists()

    def test_edit(self, logged_in, supplier):
        contact = ContactPersonFactory(organisation=supplier)
        url = reverse("contact-edit", args=[contact.pk])
        assert contact.email in logged_in.get(url).content.decode()
        response = logged_in.post(
            url, {"name": "New Name", "email": contact.email, "position": "Export manager"}
        )
        assert response.status_code == 302
        contact.refresh_from_db()
        assert (contact.name, contact.position) == ("New Name", "Export manager")

    def test_delete(self, logged_in, supplier):
        contact = ContactPersonFactory(organisation=supplier)
        url = reverse("contact-delete", args=[contact.pk])
        assert logged_in.get(url).status_code == 200
        assert logged_in.post(url).status_code == 302
        assert not ContactPerson.objects.exists()

    def test_another_organisations_contact_is_not_found(
        self, client, supplier, other_supplier_user
    ):
        contact = ContactPersonFactory(organisation=supplier, email="private@firm.example")
        client.force_login(other_supplier_user)
        for name in ("contact-edit", "contact-delete"):
            assert client.get(reverse(name, args=[contact.pk])).status_code == 404
            response = client.post(
                reverse(name, args=[contact.pk]), {"name": "X", "email": "x@y.z"}
            )
            assert response.status_code == 404
        assert ContactPerson.objects.filter(pk=contact.pk, name=contact.name).exists()
        assert "private@firm.example" not in client.get(reverse("contact-list")).content.decode()
