"""Verification is of what was verified: a new legal name or country takes the badge
away until staff verify again, a new certificate number or expiry sends the certificate
back for a check; an unrelated edit changes neither."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from companies import services
from companies.models import Certification, Organisation
from notifications.models import Notification
from tests.factories import CertificationFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db

VERIFIED = Organisation.Verification.VERIFIED
UNVERIFIED = Organisation.Verification.UNVERIFIED


@pytest.fixture
def verified(staff_user):
    organisation = SupplierFactory(legal_name="Saigon Knit", country="VN", city="Hanoi")
    services.organisation_set_verification(
        organisation=organisation, actor=staff_user, verification=VERIFIED
    )
    return organisation


@pytest.fixture
def owner(verified):
    return UserFactory(organisation=verified)


def detail_url(organisation):
    return reverse("api:organisation-detail", kwargs={"organisation_id": organisation.pk})


def lapse_notices(user):
    return Notification.objects.filter(user=user, kind="verification_lapsed")


@pytest.mark.parametrize(
    "change", [{"legal_name": "Mekong Knit"}, {"country": "KH"}], ids=["name", "country"]
)
def test_new_legal_name_or_country_through_the_api_awaits_verification(
    api_as, verified, owner, change
):
    response = api_as(owner).patch(detail_url(verified), change, format="json")
    assert response.status_code == 200
    verified.refresh_from_db()
    assert verified.verification == UNVERIFIED
    assert verified.verified_at is None
    assert lapse_notices(owner).count() == 1


def test_unrelated_edit_keeps_the_badge_and_tells_nobody(api_as, verified, owner):
    response = api_as(owner).patch(
        detail_url(verified),
        {"description": "Circular knitting", "city": "Da Nang", "legal_name": "Saigon Knit"},
        format="json",
    )
    assert response.status_code == 200
    verified.refresh_from_db()
    assert verified.verification == VERIFIED
    assert verified.verified_at is not None
    assert not lapse_notices(owner).exists()


def test_new_legal_name_on_the_page_awaits_verification(client, verified, owner):
    client.force_login(owner)
    data = {
        "legal_name": "Mekong Knit",
        "local_name": "",
        "country": "VN",
        "province": "",
        "city": "Hanoi",
        "nearest_port": "",
        "year_founded": "",
        "employees_band": "",
        "website": "",
        "description": "",
        "processes": "",
        "hs_codes": "",
        "isic_codes": "",
    }
    response = client.post(reverse("organisation-edit", args=[verified.pk]), data)
    assert response.status_code == 302
    verified.refresh_from_db()
    assert verified.verification == UNVERIFIED
    assert lapse_notices(owner).exists()


def test_unchanged_page_post_keeps_the_badge(client, verified, owner):
    client.force_login(owner)
    data = {
        "legal_name": "Saigon Knit",
        "local_name": "",
        "country": "VN",
        "province": "",
        "city": "Hanoi",
        "nearest_port": "",
        "year_founded": "",
        "employees_band": "",
        "website": "",
        "description": "Knitwear",
        "processes": "",
        "hs_codes": "",
        "isic_codes": "",
    }
    response = client.post(reverse("organisation-edit", args=[verified.pk]), data)
    assert response.status_code == 302
    verified.refresh_from_db()
    assert verified.verification == VERIFIED
    assert not lapse_notices(owner).exists()


def test_a_rejected_organisation_stays_rejected(api_as, staff_user):
    rejected = SupplierFactory(verification=Organisation.Verification.REJECTED)
    user = UserFactory(organisation=rejected)
    api_as(user).patch(detail_url(rejected), {"legal_name": "Renamed"}, format="json")
    rejected.refresh_from_db()
    assert rejected.verification == Organisation.Verification.REJECTED


class TestCertificateChanges:
    @pytest.fixture
    def certificate(self, verified):
        return CertificationFactory(organisation=verified, status=Certification.Status.VERIFIED)

    @pytest.mark.parametrize("field", ["certificate_number", "valid_until"])
    def test_new_number_or_expiry_awaits_a_check(self, certificate, owner, field):
        changes = {
            "certificate_number": {"certificate_number": "CERT-NEW-1"},
            "valid_until": {"valid_until": timezone.localdate() + timedelta(days=700)},
        }[field]
        services.certification_update(certification=certificate, actor=owner, **changes)
        certificate.refresh_from_db()
        assert certificate.status == Certification.Status.PENDING
        assert certificate.checked_at is None
        assert Notification.objects.filter(user=owner, kind="certification_lapsed").exists()

    def test_same_number_and_new_issuer_keeps_the_check(self, certificate, owner):
        services.certification_update(
            certification=certificate,
            actor=owner,
            issuer="SGS",
            certificate_number=certificate.certificate_number,
            valid_until=certificate.valid_until,
        )
        certificate.refresh_from_db()
        assert certificate.status == Certification.Status.VERIFIED
        assert not Notification.objects.filter(user=owner, kind="certification_lapsed").exists()

    def test_another_organisation_cannot_change_it(self, certificate, other_supplier_user):
        with pytest.raises(PermissionDenied):
            services.certification_update(
                certification=certificate, actor=other_supplier_user, certificate_number="X"
            )
        certificate.refresh_from_db()
        assert certificate.status == Certification.Status.VERIFIED


def test_a_new_legal_name_in_the_admin_awaits_verification(client, staff_user, verified, owner):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    url = reverse("admin:companies_organisation_change", args=[verified.pk])
    form = client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    for inline in client.get(url).context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    data["legal_name"] = "Mekong Knit"

    response = client.post(url, data)

    assert response.status_code == 302
    verified.refresh_from_db()
    assert (verified.legal_name, verified.verification) == ("Mekong Knit", UNVERIFIED)
    assert lapse_notices(owner).exists()


def test_a_new_certificate_number_through_the_api_awaits_a_check(api_as, verified, owner):
    certificate = CertificationFactory(organisation=verified, status=Certification.Status.VERIFIED)
    url = reverse("api:certification-detail", kwargs={"pk": certificate.pk})

    unchanged = api_as(owner).patch(url, {"issuer": "SGS"}, format="json")
    assert unchanged.status_code == 200
    assert unchanged.json()["status"] == Certification.Status.VERIFIED
    changed = api_as(owner).patch(url, {"certificate_number": "CERT-NEW-2"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["status"] == Certification.Status.PENDING


def test_another_organisation_cannot_change_a_certificate_through_the_api(
    api_as, verified, other_supplier_user
):
    certificate = CertificationFactory(organisation=verified)
    url = reverse("api:certification-detail", kwargs={"pk": certificate.pk})

    response = api_as(other_supplier_user).patch(url, {"certificate_number": "X"}, format="json")

    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.certificate_number != "X"
