"""Staff admin: verification goes through the services."""

import pytest
from django.urls import reverse

from companies.models import Certification, Organisation
from tests.factories import CertificationFactory, SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize(
    "model", ["organisation", "certification", "user", "productline", "contactperson", "hscode"]
)
def test_change_lists_render(admin_client_, model):
    response = admin_client_.get(reverse(f"admin:companies_{model}_changelist"))
    assert response.status_code == 200


def test_user_add_page_renders(admin_client_):
    assert admin_client_.get(reverse("admin:companies_user_add")).status_code == 200


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("mark_verified", Organisation.Verification.VERIFIED),
        ("mark_rejected", Organisation.Verification.REJECTED),
    ],
)
def test_organisation_actions_record_who_verified(admin_client_, staff_user, action, expected):
    organisation = SupplierFactory()
    response = admin_client_.post(
        reverse("admin:companies_organisation_changelist"),
        {"action": action, "_selected_action": [organisation.pk]},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.verification == expected
    assert organisation.verified_by == staff_user
    assert organisation.verified_at is not None


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("mark_verified", Certification.Status.VERIFIED),
        ("mark_rejected", Certification.Status.REJECTED),
    ],
)
def test_certification_actions_record_who_checked(admin_client_, staff_user, action, expected):
    certification = CertificationFactory(status=Certification.Status.PENDING)
    admin_client_.post(
        reverse("admin:companies_certification_changelist"),
        {"action": action, "_selected_action": [certification.pk]},
    )
    certification.refresh_from_db()
    assert certification.status == expected
    assert certification.checked_by == staff_user
