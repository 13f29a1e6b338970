"""Staff admin of the matching app: a correction goes through the buyer's service, and
the rows the matcher writes are read-only."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import Proposal, SourcingRequest
from tests.factories import SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(organisation=None, is_staff=True, is_superuser=True))
    return client


def opened(user, **overrides) -> SourcingRequest:
    data = {
        "title": "Organic cotton T-shirts",
        "deadline": timezone.now() + timedelta(days=30),
        "hs_codes": ["6109"],
        "volume_per_month": 10000,
        "unit": "pieces",
    }
    data.update(overrides)
    return services.request_open(request=services.request_create(actor=user, **data), actor=user)


def change_data(request: SourcingRequest, **overrides) -> dict:
    deadline = timezone.localtime(request.deadline)
    data = {
        "title": request.title,
        "description": request.description,
        "hs_codes": ",".join(c.code for c in request.hs_codes.all()),
        "isic_codes": "",
        "countries": "[]",
        "subregions": "[]",
        "allow_consortium": "on",
        "volume_per_month": str(request.volume_per_month or ""),
        "unit": request.unit,
        "target_start": "",
        "deadline_0": deadline.strftime("%Y-%m-%d"),
        "deadline_1": deadline.strftime("%H:%M:%S"),
        "visibility": request.visibility,
    }
    data.update(overrides)
    return data


def test_an_admin_edit_of_an_open_request_matches_it_again_like_a_page_edit(
    admin_client_, buyer_user, django_capture_on_commit_callbacks
):
    request = opened(buyer_user)
    url = reverse("admin:matching_sourcingrequest_change", args=[request.pk])

    with (
        mock.patch("matching.services.requests.match_request_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = admin_client_.post(url, change_data(request, title="Organic cotton tees"))

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.title == "Organic cotton tees"
    delay.assert_called_once_with(request.pk)


def test_an_admin_edit_is_checked_by_the_service(admin_client_, buyer_user):
    request = opened(buyer_user)
    url = reverse("admin:matching_sourcingrequest_change", args=[request.pk])

    admin_client_.post(url, change_data(request, unit=""))

    request.refresh_from_db()
    assert request.unit == "pieces"


def test_an_admin_edit_of_a_closed_request_changes_nothing(admin_client_, buyer_user):
    request = services.request_close(request=opened(buyer_user), actor=buyer_user)
    url = reverse("admin:matching_sourcingrequest_change", args=[request.pk])

    admin_client_.post(url, change_data(request, title="Too late"))

    request.refresh_from_db()
    assert request.title == "Organic cotton T-shirts"


@pytest.mark.parametrize(
    "model", ["sourcingrequest", "proposal", "savedsearch", "engineindexversion", "matchrun"]
)
def test_change_lists_render(admin_client_, model):
    assert admin_client_.get(reverse(f"admin:matching_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", ["sourcingrequest", "proposal", "savedsearch", "matchrun"])
def test_nothing_is_added_in_the_admin(admin_client_, model):
    assert admin_client_.get(reverse(f"admin:matching_{model}_add")).status_code == 403


def test_a_proposal_is_read_only_in_the_admin(admin_client_, buyer_user):
    proposal = Proposal.objects.create(request=opened(buyer_user), supplier=SupplierFactory())
    url = reverse("admin:matching_proposal_change", args=[proposal.pk])

    page = admin_client_.get(url)
    admin_client_.post(url, {"status": Proposal.Status.LINKED})
    delete = admin_client_.post(
        reverse("admin:matching_proposal_delete", args=[proposal.pk]), {"post": "yes"}
    )

    assert page.status_code == 200
    assert delete.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
