"""An edit in the admin does what the same edit on a page does: it goes through the
service, so its checks run and the supplier is refreshed in the search index."""

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import (
    Certification,
    ContactPerson,
    HsCode,
    Invitation,
    Organisation,
    ProductLine,
)
from tests.factories import (
    CertificationFactory,
    ContactPersonFactory,
    ProductLineFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db

INDEX_JOB = "matching.tasks.supplier_profile_changed_task.delay"


@pytest.fixture
def admin_client_(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    return client


def form_data(client: Any, url: str, **changes: Any) -> dict[str, Any]:
    """What the admin's change page would post back unchanged, with ``changes`` applied."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    data.update(changes)
    return data


class TestOrganisationAdmin:
    def test_a_profile_edit_goes_through_the_service_and_refreshes_the_index(
        self, admin_client_, django_capture_on_commit_callbacks
    ):
        supplier = SupplierFactory()
        url = reverse("admin:companies_organisation_change", args=[supplier.pk])
        data = form_data(
            admin_client_,
            url,
            description="Circular knitting and dyeing",
            hs_codes=[HsCode.objects.get(code="610910").pk],
        )
        with (
            mock.patch(INDEX_JOB) as index_job,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = admin_client_.post(url, data)
        assert response.status_code == 302
        supplier.refresh_from_db()
        assert supplier.description == "Circular knitting and dyeing"
        assert list(supplier.hs_codes.values_list("code", flat=True)) == ["610910"]
        index_job.assert_called_once_with(supplier.pk)

    def test_a_refused_edit_is_shown_and_writes_nothing(
        self, admin_client_, django_capture_on_commit_callbacks
    ):
        supplier = SupplierFactory(country="VN", city="Hanoi")
        url = reverse("admin:companies_organisation_change", args=[supplier.pk])
        data = form_data(admin_client_, url, country="XX", city="Da Nang")
        with (
            mock.patch(INDEX_JOB) as index_job,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = admin_client_.post(url, data, follow=True)
        assert "Unknown country code: XX." in response.content.decode()
        supplier.refresh_from_db()
        assert (supplier.country, supplier.city) == ("VN", "Hanoi")
        index_job.assert_not_called()

    def test_organisations_are_registered_not_added_or_deleted_here(self, admin_client_):
        supplier = SupplierFactory()
        assert admin_client_.get(reverse("admin:companies_organisation_add")).status_code == 403
        delete_url = reverse("admin:companies_organisation_delete", args=[supplier.pk])
        assert admin_client_.get(delete_url).status_code == 403


class TestProductLineAdmin:
    def test_adding_a_line_refreshes_the_index(
        self, admin_client_, django_capture_on_commit_callbacks
    ):
        supplier = SupplierFactory()
        with (
            mock.patch(INDEX_JOB) as index_job,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = admin_client_.post(
                reverse("admin:companies_productline_add"),
                {
                    "organisation": supplier.pk,
                    "hs_code": "610910",
                    "description": "Jersey T-shirts",
                    "monthly_capacity": 5000,
                    "unit": "pieces",
                    "min_order_quantity": 100,
                },
            )
        assert response.status_code == 302
        line = ProductLine.objects.get(organisation=supplier)
        assert (line.hs_code_id, line.monthly_capacity) == ("610910", 5000)
        index_job.assert_called_once_with(supplier.pk)

    def test_a_buyer_gets_no_line_from_the_admin_either(self, admin_client_, buyer):
        response = admin_client_.post(
            reverse("admin:companies_productline_add"),
            {
                "organisation": buyer.pk,
                "hs_code": "610910",
                "monthly_capacity": 5000,
                "unit": "pieces",
                "min_order_quantity": 0,
            },
            follow=True,
        )
        assert "Only SME suppliers list product lines." in response.content.decode()
        assert not ProductLine.objects.exists()

    def test_changing_and_deleting_a_line_refresh_the_index(
        self, admin_client_, django_capture_on_commit_callbacks
    ):
        line = ProductLineFactory()
        url = reverse("admin:companies_productline_change", args=[line.pk])
        data = form_data(admin_client_, url, monthly_capacity=7000)
        with (
            mock.patch(INDEX_JOB) as index_job,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert admin_client_.post(url, data).status_code == 302
            line.refresh_from_db()
            assert line.monthly_capacity == 7000
            delete_url = reverse("admin:companies_productline_delete", args=[line.pk])
            assert admin_client_.post(delete_url, {"post": "yes"}).status_code == 302
        assert not ProductLine.objects.exists()
        assert index_job.call_args_list == [mock.call(line.organisation_id)] * 2


class TestCertificationAdmin:
    def test_adding_a_certificate_refreshes_the_index_and_it_waits_for_a_check(
        self, admin_client_, django_capture_on_commit_callbacks
    ):
        supplier = SupplierFactory()
        with (
            mock.patch(INDEX_JOB) as index_job,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = admin_client_.post(
                reverse("admin:companies_certification_add"),
                {
                    "organisation": supplier.pk,
                    "scheme": "iso-9001",
                    "issuer": "Bureau Veritas",
                    "certificate_number": "BV-1",
                    "valid_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
                },
            )
        assert response.status_code == 302
        certification = Certification.objects.get(organisation=supplier)
        assert certification.status == Certification.Status.PENDING
        index_job.assert_called_once_with(supplier.pk)

    def test_an_expired_certificate_is_refused_as_on_the_page(self, admin_client_):
        supplier = SupplierFactory()
        response = admin_client_.post(
            reverse("admin:companies_certification_add"),
            {
                "organisation": supplier.pk,
                "scheme": "iso-9001",
                "issuer": "Bureau Veritas",
                "certificate_number": "BV-1",
                "valid_until": (timezone.localdate() - timedelta(days=1)).isoformat(),
            },
            follow=True,
        )
        assert "already expired" in response.content.decode()
        assert not Certification.objects.exists()

    def test_deleting_a_certificate_refreshes_the_index(
        self, admin_client_, django_capture_on_commit_callbacks
    ):
        certification = CertificationFactory()
        url = reverse("admin:companies_certification_delete", args=[certification.pk])
        with (
            mock.patch(INDEX_JOB) as index_job,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert admin_client_.post(url, {"post": "yes"}).status_code == 302
        assert not Certification.objects.exists()
        index_job.assert_called_once_with(certification.organisation_id)


class TestContactPersonAdmin:
    def test_a_new_primary_contact_takes_over_as_on_the_page(self, admin_client_):
        first = ContactPersonFactory(is_primary=True)
        response = admin_client_.post(
            reverse("admin:companies_contactperson_add"),
            {
                "organisation": first.organisation_id,
                "name": "Tran Van Minh",
                "email": "minh@firm.example",
                "position": "",
                "phone": "",
                "is_primary": "on",
            },
        )
        assert response.status_code == 302
        primary = ContactPerson.objects.filter(organisation=first.organisation, is_primary=True)
        assert list(primary.values_list("name", flat=True)) == ["Tran Van Minh"]


@pytest.mark.parametrize(
    "model", ["invitation", "hscode", "isiccode", "hsisiclink", "certificationscheme"]
)
def test_what_no_service_writes_is_read_only(admin_client_, model):
    assert admin_client_.get(reverse(f"admin:companies_{model}_add")).status_code == 403


def test_invitations_are_shown_without_their_token(admin_client_, supplier, supplier_user):
    invitation = Invitation.objects.create(
        organisation=supplier, email="colleague@firm.example", invited_by=supplier_user
    )
    response = admin_client_.get(reverse("admin:companies_invitation_change", args=[invitation.pk]))
    assert response.status_code == 200
    assert invitation.token not in response.content.decode()


def test_verification_is_not_an_editable_field(admin_client_):
    supplier = SupplierFactory()
    url = reverse("admin:companies_organisation_change", args=[supplier.pk])
    data = form_data(admin_client_, url, verification="verified")
    admin_client_.post(url, data)
    supplier.refresh_from_db()
    assert supplier.verification == Organisation.Verification.UNVERIFIED
