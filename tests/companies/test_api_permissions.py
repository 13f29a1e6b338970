"""Staff-only tools, anonymous access and the API's own documentation."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from companies.models import Certification, Organisation
from tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db


def verification_url(organisation):
    return reverse(
        "api:staff-organisation-verification", kwargs={"organisation_id": organisation.pk}
    )


def check_url(certification):
    return reverse("api:staff-certification-check", kwargs={"pk": certification.pk})


# STAFF
# ------------------------------------------------------------------------------


def test_staff_verifies_organisation(api_as, staff_user, supplier):
    response = api_as(staff_user).post(
        verification_url(supplier), {"verification": "verified"}, format="json"
    )

    assert response.status_code == 200
    supplier.refresh_from_db()
    assert supplier.verification == Organisation.Verification.VERIFIED
    assert supplier.verified_by == staff_user


def test_verified_organisation_appears_in_directory(api_as, staff_user, supplier):
    api_as(staff_user).post(verification_url(supplier), {"verification": "verified"})

    response = api_as(staff_user).get(reverse("api:organisation-list"))

    assert [row["id"] for row in response.json()["results"]] == [supplier.pk]


def test_staff_verification_with_unknown_status_is_refused(api_as, staff_user, supplier):
    response = api_as(staff_user).post(
        verification_url(supplier), {"verification": "approved"}, format="json"
    )

    assert response.status_code == 400
    supplier.refresh_from_db()
    assert supplier.verification == Organisation.Verification.UNVERIFIED


def test_user_cannot_verify_own_organisation_through_staff_tool(api_as, supplier_user):
    organisation = supplier_user.organisation

    response = api_as(supplier_user).post(
        verification_url(organisation), {"verification": "verified"}, format="json"
    )

    assert response.status_code == 404
    organisation.refresh_from_db()
    assert organisation.verification == Organisation.Verification.UNVERIFIED


def test_anonymous_cannot_use_staff_tools(api_client, supplier):
    response = api_client.post(verification_url(supplier), {"verification": "verified"})

    assert response.status_code == 404


def test_staff_verification_of_unknown_organisation_is_404(api_as, staff_user):
    url = reverse("api:staff-organisation-verification", kwargs={"organisation_id": 999})

    response = api_as(staff_user).post(url, {"verification": "verified"}, format="json")

    assert response.status_code == 404


def test_staff_checks_certificate(api_as, staff_user, supplier):
    certification = CertificationFactory(organisation=supplier, status=Certification.Status.PENDING)

    response = api_as(staff_user).post(
        check_url(certification), {"status": "rejected"}, format="json"
    )

    assert response.status_code == 200
    certification.refresh_from_db()
    assert certification.status == Certification.Status.REJECTED
    assert response.json()["counts"] is False


def test_user_cannot_check_own_certificate(api_as, supplier_user):
    certification = CertificationFactory(
        organisation=supplier_user.organisation, status=Certification.Status.PENDING
    )

    response = api_as(supplier_user).post(
        check_url(certification), {"status": "verified"}, format="json"
    )

    assert response.status_code == 404
    certification.refresh_from_db()
    assert certification.status == Certification.Status.PENDING


# ANONYMOUS ACCESS
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["api:certification-list", "api:product-line-list", "api:invitation-list", "api:me"],
)
def test_private_lists_need_login(api_client, name):
    response = api_client.get(reverse(name))

    assert response.status_code == 401


def test_anonymous_cannot_add_certificate(api_client):
    response = api_client.post(
        reverse("api:certification-list"),
        {
            "scheme": "iso-9001",
            "issuer": "x",
            "certificate_number": "1",
            "valid_until": "2099-01-01",
        },
        format="json",
    )

    assert response.status_code == 401
    assert not Certification.objects.exists()


# DOCUMENTATION
# ------------------------------------------------------------------------------


def test_schema_is_served(api_client):
    response = api_client.get(reverse("api-schema"))

    assert response.status_code == 200
    assert b"/api/v1/organisations/" in response.content


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns every generator warning (unknown serializer, name
    # collision, unresolvable type) into an error.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_docs_page_renders(api_client):
    response = api_client.get(reverse("api-docs"))

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
