"""Sourcing requests: who may post them, their lifecycle, and bad input, in services,
API and pages."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from matching import services, tasks
from matching.models import Proposal, SourcingRequest
from notifications.models import Notification
from tests.factories import BuyerFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db


def in_days(days: int = 30):
    return timezone.now() + timedelta(days=days)


def draft(user, **overrides) -> SourcingRequest:
    data = {
        "title": "Organic cotton T-shirts",
        "description": "Crew neck, 180 gsm, GOTS cotton.",
        "deadline": in_days(),
        "hs_codes": ["6109"],
        "volume_per_month": 10000,
        "unit": "pieces",
    }
    data.update(overrides)
    return services.request_create(actor=user, **data)


def opened(user, **overrides) -> SourcingRequest:
    return services.request_open(request=draft(user, **overrides), actor=user)


def pass_deadline(request: SourcingRequest) -> None:
    """Move the deadline into the past, as time passing would."""
    SourcingRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )


@pytest.fixture
def other_buyer_user(db):
    return UserFactory(organisation=BuyerFactory(legal_name="Other Brand AG"))


def linkage(request: SourcingRequest, supplier=None, **fields) -> Proposal:
    return Proposal.objects.create(
        request=request,
        supplier=supplier or SupplierFactory(),
        status=fields.pop("status", Proposal.Status.LINKED),
        **fields,
    )


# WHO MAY POST
# ------------------------------------------------------------------------------


def test_buyer_user_posts_a_request_as_a_draft(buyer_user):
    request = draft(buyer_user, subregions=["south-eastern-asia"], countries=["bd"])

    assert request.status == SourcingRequest.Status.DRAFT
    assert request.buyer == buyer_user.organisation
    assert [c.code for c in request.hs_codes.all()] == ["6109"]
    assert request.subregions == ["south-eastern-asia"]
    assert request.countries == ["BD"]
    assert request.allow_consortium is True


def test_sme_user_cannot_post_a_request(supplier_user):
    with pytest.raises(PermissionDenied, match="Only buyers post sourcing requests"):
        draft(supplier_user)

    assert not SourcingRequest.objects.exists()


def test_cluster_body_user_cannot_post_a_request(cluster_body_user):
    with pytest.raises(PermissionDenied, match="cluster body"):
        draft(cluster_body_user)

    assert not SourcingRequest.objects.exists()


# BAD INPUT
# ------------------------------------------------------------------------------

BAD_INPUTS = [
    pytest.param({"hs_codes": ["610999"]}, "hs_codes", id="unknown-hs-code"),
    pytest.param({"isic_codes": ["9999"]}, "isic_codes", id="unknown-isic-code"),
    pytest.param(
        {"required_certifications": ["iso-99999"]},
        "required_certifications",
        id="unknown-certification",
    ),
    pytest.param({"countries": ["XX"]}, "countries", id="unknown-country"),
    pytest.param({"subregions": ["northern-atlantis"]}, "subregions", id="unknown-subregion"),
    pytest.param({"deadline": timezone.now() - timedelta(hours=1)}, "deadline", id="past-deadline"),
    pytest.param({"volume_per_month": -5}, "volume_per_month", id="negative-volume"),
    pytest.param({"unit": ""}, "unit", id="volume-without-unit"),
    pytest.param({"unit": "bushels"}, "unit", id="unknown-unit"),
    pytest.param({"title": "x" * 201}, "title", id="oversized-title"),
    pytest.param({"description": "x" * 10001}, "description", id="oversized-description"),
    pytest.param({"title": "   "}, "title", id="blank-title"),
]


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUTS)
def test_bad_input_is_a_field_error_and_writes_nothing(buyer_user, overrides, field):
    with pytest.raises(ValidationError) as caught:
        draft(buyer_user, **overrides)

    assert field in caught.value.message_dict
    assert not SourcingRequest.objects.exists()


def test_every_bad_field_is_reported_at_once(buyer_user):
    with pytest.raises(ValidationError) as caught:
        draft(buyer_user, hs_codes=["610999"], subregions=["atlantis"], volume_per_month=-1)

    assert {"hs_codes", "subregions", "volume_per_month"} <= set(caught.value.message_dict)


def test_bad_update_changes_nothing(buyer_user):
    request = draft(buyer_user)

    with pytest.raises(ValidationError):
        services.request_update(
            request=request,
            actor=buyer_user,
            data={"title": "New title", "hs_codes": ["610999"]},
        )

    request.refresh_from_db()
    assert request.title == "Organic cotton T-shirts"
    assert [c.code for c in request.hs_codes.all()] == ["6109"]


# LIFECYCLE
# ------------------------------------------------------------------------------


def test_opening_a_draft_makes_it_open(buyer_user):
    request = opened(buyer_user)

    assert request.status == SourcingRequest.Status.OPEN
    assert request.opened_at is not None


def test_a_draft_past_its_deadline_cannot_be_opened(buyer_user):
    request = draft(buyer_user)
    pass_deadline(request)

    with pytest.raises(ValidationError) as caught:
        services.request_open(request=request, actor=buyer_user)

    assert "deadline" in caught.value.message_dict
    request.refresh_from_db()
    assert request.status == SourcingRequest.Status.DRAFT


def test_an_open_request_cannot_be_opened_again(buyer_user):
    request = opened(buyer_user)

    with pytest.raises(ValidationError):
        services.request_open(request=request, actor=buyer_user)


def test_closing_an_open_request_closes_it_and_its_pending_proposals(buyer_user):
    request = opened(buyer_user)
    pending = linkage(request, status=Proposal.Status.PENDING)

    closed = services.request_close(request=request, actor=buyer_user)

    assert closed.status == SourcingRequest.Status.CLOSED
    assert closed.closed_at is not None
    pending.refresh_from_db()
    assert pending.status == Proposal.Status.CLOSED


def test_a_closed_request_cannot_be_edited(buyer_user):
    request = services.request_close(request=opened(buyer_user), actor=buyer_user)

    with pytest.raises(ValidationError) as caught:
        services.request_update(request=request, actor=buyer_user, data={"title": "Again"})

    assert "status" in caught.value.message_dict


def test_a_colleague_edits_an_open_request(buyer_user):
    colleague = UserFactory(organisation=buyer_user.organisation)
    request = opened(buyer_user)

    services.request_update(
        request=request,
        actor=colleague,
        data={"volume_per_month": 12000, "subregions": ["southern-asia"]},
    )

    request.refresh_from_db()
    assert request.volume_per_month == 12000
    assert request.subregions == ["southern-asia"]


def test_another_buyers_user_cannot_change_a_request(buyer_user, other_buyer_user):
    request = opened(buyer_user)

    with pytest.raises(PermissionDenied):
        services.request_update(request=request, actor=other_buyer_user, data={"title": "Mine"})
    with pytest.raises(PermissionDenied):
        services.request_close(request=request, actor=other_buyer_user)


def test_a_past_deadline_reads_as_closed_before_the_job_runs(buyer_user):
    request = opened(buyer_user)
    pass_deadline(request)
    request.refresh_from_db()

    assert request.status == SourcingRequest.Status.OPEN
    assert request.effective_status == SourcingRequest.Status.CLOSED


def test_periodic_job_closes_requests_past_their_deadline(buyer_user):
    due = opened(buyer_user, title="Due")
    later = opened(buyer_user, title="Later")
    pass_deadline(due)

    closed_count = tasks.close_expired_requests_task()

    assert closed_count == 1
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == SourcingRequest.Status.CLOSED
    assert later.status == SourcingRequest.Status.OPEN


def test_periodic_job_is_scheduled():
    from django.conf import settings

    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "matching.close_expired_requests_task" in tasks_scheduled


def test_awarding_a_linkage_awards_the_request_and_tells_the_supplier(buyer_user):
    request = opened(buyer_user)
    supplier = SupplierFactory(legal_name="Saigon Knitwear")
    supplier_user = UserFactory(organisation=supplier)
    linked = linkage(request, supplier)

    services.proposal_award(proposal=linked, actor=buyer_user)

    linked.refresh_from_db()
    request.refresh_from_db()
    assert linked.awarded is True
    assert request.status == SourcingRequest.Status.AWARDED
    notice = Notification.objects.get(user=supplier_user)
    assert request.title in notice.title


def test_a_second_linkage_can_be_awarded_too(buyer_user):
    request = opened(buyer_user)
    first, second = linkage(request), linkage(request)

    services.proposal_award(proposal=first, actor=buyer_user)
    services.proposal_award(proposal=second, actor=buyer_user)

    assert Proposal.objects.filter(request=request, awarded=True).count() == 2


def test_a_proposal_not_accepted_by_both_cannot_be_awarded(buyer_user):
    request = opened(buyer_user)
    pending = linkage(request, status=Proposal.Status.PENDING)

    with pytest.raises(ValidationError):
        services.proposal_award(proposal=pending, actor=buyer_user)

    request.refresh_from_db()
    assert request.status == SourcingRequest.Status.OPEN


# API
# ------------------------------------------------------------------------------


def api_payload(**overrides):
    payload = {
        "title": "Organic cotton T-shirts",
        "hs_codes": ["6109"],
        "required_certifications": ["gots"],
        "subregions": ["south-eastern-asia"],
        "volume_per_month": 10000,
        "unit": "pieces",
        "deadline": in_days().isoformat(),
        "visibility": "public",
    }
    payload.update(overrides)
    return payload


def test_api_buyer_creates_a_draft(api_as, buyer_user):
    response = api_as(buyer_user).post("/api/v1/requests/", api_payload(), format="json")

    assert response.status_code == 201
    assert response.data["status"] == "draft"
    assert response.data["required_certifications"][0]["code"] == "gots"
    assert SourcingRequest.objects.get().buyer == buyer_user.organisation


def test_api_sme_cannot_create_a_request(api_as, supplier_user):
    response = api_as(supplier_user).post("/api/v1/requests/", api_payload(), format="json")

    assert response.status_code == 403
    assert "Only buyers" in response.data["message"]
    assert not SourcingRequest.objects.exists()


def test_api_anonymous_cannot_create_a_request(api_client):
    response = api_client.post("/api/v1/requests/", api_payload(), format="json")

    assert response.status_code == 401
    assert not SourcingRequest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"hs_codes": ["610999"]}, "hs_codes", id="unknown-hs-code"),
        pytest.param({"isic_codes": ["ZZ"]}, "isic_codes", id="unknown-isic-code"),
        pytest.param(
            {"deadline": (timezone.now() - timedelta(days=1)).isoformat()},
            "deadline",
            id="past-deadline",
        ),
        pytest.param({"volume_per_month": -100}, "volume_per_month", id="negative-volume"),
        pytest.param({"subregions": ["atlantis"]}, "subregions", id="unknown-subregion"),
        pytest.param({"countries": ["QQ"]}, "countries", id="unknown-country"),
        pytest.param({"deadline": "next tuesday"}, "deadline", id="malformed-deadline"),
        pytest.param({"title": None}, "title", id="missing-title"),
    ],
)
def test_api_bad_input_is_a_field_error_writing_nothing(api_as, buyer_user, overrides, field):
    payload = {k: v for k, v in api_payload(**overrides).items() if v is not None}

    response = api_as(buyer_user).post("/api/v1/requests/", payload, format="json")

    assert response.status_code == 400
    assert field in response.data["errors"]
    assert not SourcingRequest.objects.exists()


def test_api_buyer_patches_its_request(api_as, buyer_user):
    request = draft(buyer_user)

    response = api_as(buyer_user).patch(
        f"/api/v1/requests/{request.pk}/", {"volume_per_month": 500}, format="json"
    )

    assert response.status_code == 200
    assert response.data["volume_per_month"] == 500


def test_api_bad_patch_changes_nothing(api_as, buyer_user):
    request = draft(buyer_user)

    response = api_as(buyer_user).patch(
        f"/api/v1/requests/{request.pk}/",
        {"title": "Changed", "subregions": ["atlantis"]},
        format="json",
    )

    assert response.status_code == 400
    assert "subregions" in response.data["errors"]
    request.refresh_from_db()
    assert request.title == "Organic cotton T-shirts"


def test_api_another_buyer_cannot_edit_a_public_request(api_as, buyer_user, other_buyer_user):
    request = opened(buyer_user)

    response = api_as(other_buyer_user).patch(
        f"/api/v1/requests/{request.pk}/", {"title": "Mine now"}, format="json"
    )

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.title == "Organic cotton T-shirts"


@pytest.mark.parametrize("action", ["open", "close"])
def test_api_another_buyer_cannot_open_or_close(api_as, buyer_user, other_buyer_user, action):
    request = draft(buyer_user)

    response = api_as(other_buyer_user).post(f"/api/v1/requests/{request.pk}/{action}/")

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == SourcingRequest.Status.DRAFT


def test_api_lifecycle_draft_open_closed(api_as, buyer_user):
    client = api_as(buyer_user)
    request_id = client.post("/api/v1/requests/", api_payload(), format="json").data["id"]

    opened_response = client.post(f"/api/v1/requests/{request_id}/open/")
    closed_response = client.post(f"/api/v1/requests/{request_id}/close/")

    assert opened_response.data["status"] == "open"
    assert closed_response.data["status"] == "closed"


def test_api_closing_a_closed_request_is_a_400(api_as, buyer_user):
    request = services.request_close(request=opened(buyer_user), actor=buyer_user)

    response = api_as(buyer_user).post(f"/api/v1/requests/{request.pk}/close/")

    assert response.status_code == 400
    assert "status" in response.data["errors"]


def test_api_detail_shows_a_past_deadline_as_closed(api_as, buyer_user):
    request = opened(buyer_user)
    pass_deadline(request)

    response = api_as(buyer_user).get(f"/api/v1/requests/{request.pk}/")

    assert response.data["status"] == "closed"


def test_api_award_a_linkage(api_as, buyer_user):
    request = opened(buyer_user)
    linked = linkage(request)

    response = api_as(buyer_user).post(f"/api/v1/requests/{request.pk}/linkages/{linked.pk}/award/")

    assert response.status_code == 200
    assert response.data["awarded"] is True
    request.refresh_from_db()
    assert request.status == SourcingRequest.Status.AWARDED


def test_api_another_buyer_cannot_award(api_as, buyer_user, other_buyer_user):
    request = opened(buyer_user)
    linked = linkage(request)

    response = api_as(other_buyer_user).post(
        f"/api/v1/requests/{request.pk}/linkages/{linked.pk}/award/"
    )

    assert response.status_code == 404
    linked.refresh_from_db()
    assert linked.awarded is False


def test_api_list_filters_by_status(api_as, buyer_user):
    opened(buyer_user, title="Open one")
    expired = opened(buyer_user, title="Expired one")
    pass_deadline(expired)
    draft(buyer_user, title="Draft one")

    client = api_as(buyer_user)
    open_titles = [r["title"] for r in client.get("/api/v1/requests/?status=open").data["results"]]
    closed_titles = [
        r["title"] for r in client.get("/api/v1/requests/?status=closed").data["results"]
    ]

    assert open_titles == ["Open one"]
    assert closed_titles == ["Expired one"]


def test_api_list_filters_by_code_heading_finding_subheadings(api_as, buyer_user):
    opened(buyer_user, title="T-shirts", hs_codes=["610910"])
    opened(buyer_user, title="Instruments", hs_codes=["901890"])

    response = api_as(buyer_user).get("/api/v1/requests/?code=6109")

    assert [r["title"] for r in response.data["results"]] == ["T-shirts"]


def test_api_list_filters_by_country_through_subregions(api_as, buyer_user):
    opened(buyer_user, title="South-east Asia", subregions=["south-eastern-asia"])
    opened(buyer_user, title="Pakistan only", countries=["PK"])

    response = api_as(buyer_user).get("/api/v1/requests/?country=VN")

    assert [r["title"] for r in response.data["results"]] == ["South-east Asia"]


def test_api_list_rejects_an_unknown_status(api_as, buyer_user):
    response = api_as(buyer_user).get("/api/v1/requests/?status=pending")

    assert response.status_code == 400
    assert "status" in response.data["errors"]


# PAGES
# ------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "title": "Organic cotton T-shirts",
        "description": "",
        "hs_codes": "6109",
        "isic_codes": "",
        "required_certifications": ["gots"],
        "subregions": ["south-eastern-asia"],
        "volume_per_month": "10000",
        "unit": "pieces",
        "deadline": timezone.localtime(in_days()).strftime("%Y-%m-%dT%H:%M"),
        "allow_consortium": "on",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def test_page_buyer_posts_a_request(client, buyer_user):
    client.force_login(buyer_user)

    response = client.post(reverse("request-create"), form_data())

    request = SourcingRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("request-detail", kwargs={"pk": request.pk})
    assert request.status == SourcingRequest.Status.DRAFT
    assert [s.code for s in request.required_certifications.all()] == ["gots"]


def test_page_sme_is_told_it_cannot_post(client, supplier_user):
    client.force_login(supplier_user)

    response = client.get(reverse("request-create"))

    assert response.status_code == 403
    assert "Only buyers post sourcing requests" in response.content.decode()


def test_page_anonymous_is_sent_to_log_in(client):
    response = client.get(reverse("request-create"))

    assert response.status_code == 302
    assert reverse("login") in response.url


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"hs_codes": "610999"}, "Unknown HS code: 610999", id="unknown-code"),
        pytest.param(
            {"deadline": "2020-01-01T10:00"}, "The deadline must be in the future", id="past"
        ),
        pytest.param(
            {"volume_per_month": "-5"}, "The volume must be greater than zero", id="negative"
        ),
        pytest.param({"subregions": ["atlantis"]}, "Unknown subregion: atlantis", id="subregion"),
    ],
)
def test_page_bad_input_is_shown_at_the_field_and_writes_nothing(
    client, buyer_user, overrides, message
):
    client.force_login(buyer_user)

    response = client.post(reverse("request-create"), form_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SourcingRequest.objects.exists()


def test_page_deadline_is_read_and_shown_in_the_users_time_zone(client, buyer_user):
    buyer_user.time_zone = "Asia/Bangkok"
    buyer_user.save()
    client.force_login(buyer_user)
    local_deadline = (timezone.now() + timedelta(days=10)).astimezone(ZoneInfo("Asia/Bangkok"))
    typed = local_deadline.strftime("%Y-%m-%dT%H:%M")

    client.post(reverse("request-create"), form_data(deadline=typed))
    request = SourcingRequest.objects.get()
    page = client.get(reverse("request-detail", kwargs={"pk": request.pk})).content.decode()

    assert request.deadline == local_deadline.replace(second=0, microsecond=0)
    assert request.deadline.astimezone(ZoneInfo("Asia/Bangkok")).strftime("%H:%M") in page
    assert "+07" in page or "ICT" in page


def test_page_buyer_edits_its_request(client, buyer_user):
    request = draft(buyer_user)
    client.force_login(buyer_user)

    response = client.post(
        reverse("request-edit", kwargs={"pk": request.pk}),
        form_data(title="Organic cotton polo shirts", hs_codes="6105"),
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.title == "Organic cotton polo shirts"
    assert [c.code for c in request.hs_codes.all()] == ["6105"]


def test_page_another_buyer_cannot_edit(client, buyer_user, other_buyer_user):
    request = opened(buyer_user)
    client.force_login(other_buyer_user)

    get = client.get(reverse("request-edit", kwargs={"pk": request.pk}))
    post = client.post(reverse("request-edit", kwargs={"pk": request.pk}), form_data(title="X"))

    assert get.status_code == 404
    assert post.status_code == 404
    request.refresh_from_db()
    assert request.title == "Organic cotton T-shirts"


def test_page_open_and_close_buttons(client, buyer_user):
    request = draft(buyer_user)
    client.force_login(buyer_user)

    detail = client.get(reverse("request-detail", kwargs={"pk": request.pk})).content.decode()
    client.post(reverse("request-open", kwargs={"pk": request.pk}))
    request.refresh_from_db()
    status_after_open = request.status
    client.post(reverse("request-close", kwargs={"pk": request.pk}))
    request.refresh_from_db()

    assert "Open to suppliers" in detail
    assert status_after_open == SourcingRequest.Status.OPEN
    assert request.status == SourcingRequest.Status.CLOSED


def test_page_another_buyer_cannot_close(client, buyer_user, other_buyer_user):
    request = opened(buyer_user)
    client.force_login(other_buyer_user)

    response = client.post(reverse("request-close", kwargs={"pk": request.pk}))

    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == SourcingRequest.Status.OPEN


def test_page_award_button_awards_a_linkage(client, buyer_user):
    request = opened(buyer_user)
    linked = linkage(request, SupplierFactory(legal_name="Saigon Knitwear"))
    client.force_login(buyer_user)

    detail = client.get(reverse("request-detail", kwargs={"pk": request.pk})).content.decode()
    client.post(
        reverse("request-linkage-award", kwargs={"pk": request.pk, "linkage_pk": linked.pk})
    )

    assert "Saigon Knitwear" in detail
    request.refresh_from_db()
    assert request.status == SourcingRequest.Status.AWARDED


def test_page_buyer_list_shows_its_own_requests_only(client, buyer_user, other_buyer_user):
    draft(buyer_user, title="Our draft")
    opened(other_buyer_user, title="Their open request")
    client.force_login(buyer_user)

    page = client.get(reverse("request-list")).content.decode()

    assert "Our draft" in page
    assert "Their open request" not in page


@pytest.mark.parametrize("route", ["request-list", "request-create"])
def test_page_buyer_opens_the_list_and_the_form(client, buyer_user, route):
    client.force_login(buyer_user)

    response = client.get(reverse(route))

    assert response.status_code == 200


def test_page_form_offers_the_code_pickers_and_subregions(client, buyer_user):
    client.force_login(buyer_user)

    page = client.get(reverse("request-create")).content.decode()

    assert 'data-code-picker="hs"' in page
    assert 'data-code-picker="isic"' in page
    assert "js/code-picker.js" in page
    assert "Melanesia" in page


def test_page_edit_form_is_filled_in(client, buyer_user):
    request = draft(buyer_user, subregions=["melanesia"])
    client.force_login(buyer_user)

    page = client.get(reverse("request-edit", kwargs={"pk": request.pk})).content.decode()

    assert 'value="Organic cotton T-shirts"' in page
    assert 'value="6109"' in page
    assert '<option value="melanesia" selected>' in page


def test_page_anonymous_sees_public_open_requests_in_the_list(client, buyer_user):
    opened(buyer_user, title="Public open")
    draft(buyer_user, title="Hidden draft")

    page = client.get(reverse("request-list")).content.decode()

    assert "Public open" in page
    assert "Hidden draft" not in page


def test_page_list_filters_by_status(client, buyer_user):
    opened(buyer_user, title="Open one")
    draft(buyer_user, title="Draft one")
    client.force_login(buyer_user)

    page = client.get(reverse("request-list"), {"status": "draft"}).content.decode()

    assert "Draft one" in page
    assert "Open one" not in page
