"""Certifications with evidence files, and product lines, through the API."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from companies.models import Certification, ProductLine
from tests.factories import CertificationFactory, ProductLineFactory, UserFactory

CERTIFICATIONS_URL = reverse("api:certification-list")
PRODUCT_LINES_URL = reverse("api:product-line-list")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def certification_url(certification):
    return reverse("api:certification-detail", kwargs={"pk": certification.pk})


def product_line_url(line):
    return reverse("api:product-line-detail", kwargs={"pk": line.pk})


def pdf(size: int = 0, name: str = "certificate.pdf"):
    content = b"%PDF-1.4 certificate scan\n" + b"0" * size
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def certificate(**overrides):
    data = {
        "scheme": "oeko-tex",
        "issuer": "Hohenstein",
        "certificate_number": "OT-2024-0042",
        "valid_until": (timezone.localdate() + timedelta(days=300)).isoformat(),
    }
    data.update(overrides)
    return data


# CERTIFICATIONS
# ------------------------------------------------------------------------------


def test_member_adds_certificate_with_pdf_evidence(api_as, supplier_user):
    response = api_as(supplier_user).post(
        CERTIFICATIONS_URL, certificate(evidence=pdf()), format="multipart"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["scheme"] == "oeko-tex"
    assert body["status"] == "pending"
    assert body["is_expired"] is False
    assert body["evidence"].endswith(".pdf")
    saved = Certification.objects.get()
    assert saved.organisation == supplier_user.organisation
    assert saved.evidence.read().startswith(b"%PDF-1.4")


def test_member_adds_certificate_without_evidence_as_json(api_as, supplier_user):
    response = api_as(supplier_user).post(CERTIFICATIONS_URL, certificate(), format="json")

    assert response.status_code == 201
    assert response.json()["evidence"] is None


@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_oversized_evidence_is_refused_and_writes_nothing(api_as, supplier_user):
    response = api_as(supplier_user).post(
        CERTIFICATIONS_URL, certificate(evidence=pdf(size=4096)), format="multipart"
    )

    assert response.status_code == 400
    assert "larger" in response.json()["errors"]["evidence"][0]
    assert not Certification.objects.exists()


def test_evidence_that_is_not_pdf_or_image_is_refused(api_as, supplier_user):
    script = SimpleUploadedFile("certificate.pdf", b"#!/bin/sh\necho hi\n")

    response = api_as(supplier_user).post(
        CERTIFICATIONS_URL, certificate(evidence=script), format="multipart"
    )

    assert response.status_code == 400
    assert "evidence" in response.json()["errors"]
    assert not Certification.objects.exists()


def test_expired_certificate_is_refused_and_writes_nothing(api_as, supplier_user):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = api_as(supplier_user).post(
        CERTIFICATIONS_URL, certificate(valid_until=yesterday), format="json"
    )

    assert response.status_code == 400
    assert "valid_until" in response.json()["errors"]
    assert not Certification.objects.exists()


def test_unknown_certification_scheme_is_refused(api_as, supplier_user):
    response = api_as(supplier_user).post(
        CERTIFICATIONS_URL, certificate(scheme="iso-99999"), format="json"
    )

    assert response.status_code == 400
    assert "scheme" in response.json()["errors"]
    assert not Certification.objects.exists()


def test_certificate_with_malformed_date_is_refused(api_as, supplier_user):
    response = api_as(supplier_user).post(
        CERTIFICATIONS_URL, certificate(valid_until="next year"), format="json"
    )

    assert response.status_code == 400
    assert "valid_until" in response.json()["errors"]
    assert not Certification.objects.exists()


def test_user_without_organisation_cannot_add_certificate(api_as, db):
    loner = UserFactory(organisation=None)

    response = api_as(loner).post(CERTIFICATIONS_URL, certificate(), format="json")

    assert response.status_code == 403
    assert not Certification.objects.exists()


def test_certificate_list_shows_own_organisation_only(api_as, supplier_user, other_supplier_user):
    CertificationFactory(organisation=supplier_user.organisation, certificate_number="OURS-1")
    CertificationFactory(organisation=other_supplier_user.organisation, certificate_number="X-9")

    response = api_as(supplier_user).get(CERTIFICATIONS_URL)

    numbers = [row["certificate_number"] for row in response.json()["results"]]
    assert numbers == ["OURS-1"]


def test_expired_certificate_is_shown_as_expired(api_as, supplier_user):
    lapsed = CertificationFactory(
        organisation=supplier_user.organisation,
        valid_until=timezone.localdate() - timedelta(days=1),
    )

    response = api_as(supplier_user).get(certification_url(lapsed))

    body = response.json()
    assert body["is_expired"] is True
    assert body["counts"] is False


def test_certificate_of_another_organisation_is_404_to_read(
    api_as, supplier_user, other_supplier_user
):
    theirs = CertificationFactory(organisation=other_supplier_user.organisation)

    response = api_as(supplier_user).get(certification_url(theirs))

    assert response.status_code == 404


def test_certificate_of_another_organisation_is_404_to_delete(
    api_as, supplier_user, other_supplier_user
):
    theirs = CertificationFactory(organisation=other_supplier_user.organisation)

    response = api_as(supplier_user).delete(certification_url(theirs))

    assert response.status_code == 404
    assert Certification.objects.filter(pk=theirs.pk).exists()


def test_member_deletes_own_certificate(api_as, supplier_user):
    ours = CertificationFactory(organisation=supplier_user.organisation)

    response = api_as(supplier_user).delete(certification_url(ours))

    assert response.status_code == 204
    assert not Certification.objects.exists()


# PRODUCT LINES
# ------------------------------------------------------------------------------


def product_line(**overrides):
    data = {
        "hs_code": "610910",
        "description": "Cotton jersey T-shirts",
        "monthly_capacity": 20000,
        "unit": "pieces",
        "min_order_quantity": 500,
    }
    data.update(overrides)
    return data


def test_supplier_adds_product_line(api_as, supplier_user):
    response = api_as(supplier_user).post(PRODUCT_LINES_URL, product_line(), format="json")

    assert response.status_code == 201
    assert response.json()["hs_code"]["code"] == "610910"
    line = ProductLine.objects.get()
    assert line.organisation == supplier_user.organisation
    assert line.monthly_capacity == 20000


def test_product_line_with_unknown_hs_code_is_refused(api_as, supplier_user):
    response = api_as(supplier_user).post(
        PRODUCT_LINES_URL, product_line(hs_code="619999"), format="json"
    )

    assert response.status_code == 400
    assert "hs_code" in response.json()["errors"]
    assert not ProductLine.objects.exists()


def test_product_line_with_negative_capacity_is_refused(api_as, supplier_user):
    response = api_as(supplier_user).post(
        PRODUCT_LINES_URL, product_line(monthly_capacity=-5), format="json"
    )

    assert response.status_code == 400
    assert "monthly_capacity" in response.json()["errors"]
    assert not ProductLine.objects.exists()


def test_product_line_with_unknown_unit_is_refused(api_as, supplier_user):
    response = api_as(supplier_user).post(
        PRODUCT_LINES_URL, product_line(unit="bales"), format="json"
    )

    assert response.status_code == 400
    assert "unit" in response.json()["errors"]
    assert not ProductLine.objects.exists()


def test_buyer_cannot_add_product_line(api_as, buyer_user):
    response = api_as(buyer_user).post(PRODUCT_LINES_URL, product_line(), format="json")

    assert response.status_code == 400
    assert not ProductLine.objects.exists()


def test_product_line_list_shows_own_organisation_only(api_as, supplier_user, other_supplier_user):
    ProductLineFactory(organisation=supplier_user.organisation, description="ours")
    ProductLineFactory(organisation=other_supplier_user.organisation, description="theirs")

    response = api_as(supplier_user).get(PRODUCT_LINES_URL)

    assert [row["description"] for row in response.json()["results"]] == ["ours"]


def test_supplier_changes_product_line_capacity(api_as, supplier_user):
    line = ProductLineFactory(organisation=supplier_user.organisation)

    response = api_as(supplier_user).patch(
        product_line_url(line), {"monthly_capacity": 35000}, format="json"
    )

    assert response.status_code == 200
    line.refresh_from_db()
    assert line.monthly_capacity == 35000


def test_product_line_change_with_bad_unit_writes_nothing(api_as, supplier_user):
    line = ProductLineFactory(organisation=supplier_user.organisation)

    response = api_as(supplier_user).patch(
        product_line_url(line), {"unit": "bales", "monthly_capacity": 1}, format="json"
    )

    assert response.status_code == 400
    line.refresh_from_db()
    assert (line.unit, line.monthly_capacity) == ("pieces", 20000)


def test_supplier_deletes_product_line(api_as, supplier_user):
    line = ProductLineFactory(organisation=supplier_user.organisation)

    response = api_as(supplier_user).delete(product_line_url(line))

    assert response.status_code == 204
    assert not ProductLine.objects.exists()


def test_product_line_of_another_organisation_is_404_to_read(
    api_as, supplier_user, other_supplier_user
):
    theirs = ProductLineFactory(organisation=other_supplier_user.organisation)

    response = api_as(supplier_user).get(product_line_url(theirs))

    assert response.status_code == 404


def test_product_line_of_another_organisation_is_404_to_change(
    api_as, supplier_user, other_supplier_user
):
    theirs = ProductLineFactory(organisation=other_supplier_user.organisation)

    response = api_as(supplier_user).patch(
        product_line_url(theirs), {"monthly_capacity": 1}, format="json"
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.monthly_capacity == 20000


def test_product_line_of_another_organisation_is_404_to_delete(
    api_as, supplier_user, other_supplier_user
):
    theirs = ProductLineFactory(organisation=other_supplier_user.organisation)

    response = api_as(supplier_user).delete(product_line_url(theirs))

    assert response.status_code == 404
    assert ProductLine.objects.filter(pk=theirs.pk).exists()
