"""Saved supplier searches, and the notice when a new supplier matches one."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from companies.models import Organisation
from matching import services, tasks
from matching.models import SavedSearch, SavedSearchHit
from notifications.models import Notification
from tests.factories import BuyerFactory, ProductLineFactory, SupplierFactory, UserFactory
from tests.worlds import verify

pytestmark = pytest.mark.django_db


def save(user, query="knitwear", **params) -> SavedSearch:
    return services.saved_search_create(actor=user, name="", query=query, params=params)


def new_knitter(**fields) -> Organisation:
    fields.setdefault("legal_name", "Hanoi Knitwear")
    fields.setdefault("country", "VN")
    fields.setdefault("description", "Knitwear: cotton T-shirts and sweaters.")
    # Staff verified it: only verified firms are announced.
    fields.setdefault("verified", True)
    supplier = SupplierFactory(**fields)
    ProductLineFactory(organisation=supplier, hs_code_id="610910", monthly_capacity=30000)
    supplier.hs_codes.set(["610910"])
    return supplier


# SAVING
# ------------------------------------------------------------------------------


def test_buyer_saves_a_search_with_its_filters(buyer_user):
    saved = save(buyer_user, country="VN", hs_code="6109", verified_only="1")

    assert saved.name == "knitwear"
    assert saved.query == "knitwear"
    assert saved.filters == {"countries": ["VN"], "hs_code": "6109", "verified_only": True}


def test_sme_cannot_save_a_search(supplier_user):
    with pytest.raises(PermissionDenied):
        save(supplier_user)

    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"hs_code": "610999"}, "hs_code", id="unknown-hs-code"),
        pytest.param({"subregion": "atlantis"}, "subregion", id="unknown-subregion"),
        pytest.param({"min_capacity": "-1"}, "min_capacity", id="negative-capacity"),
    ],
)
def test_bad_filters_are_field_errors_writing_nothing(buyer_user, params, field):
    with pytest.raises(ValidationError) as caught:
        save(buyer_user, **params)

    assert field in caught.value.message_dict
    assert not SavedSearch.objects.exists()


def test_oversized_name_is_a_field_error(buyer_user):
    with pytest.raises(ValidationError) as caught:
        services.saved_search_create(actor=buyer_user, name="n" * 121, query="knitwear")

    assert "name" in caught.value.message_dict
    assert not SavedSearch.objects.exists()


# NOTIFYING
# ------------------------------------------------------------------------------


def test_a_new_matching_supplier_is_notified_in_app_and_by_email(
    buyer_user, rebuild_search_index, django_capture_on_commit_callbacks
):
    save(buyer_user, country="VN")
    supplier = new_knitter()
    rebuild_search_index()

    with django_capture_on_commit_callbacks(execute=True):
        told = services.saved_searches_notify_for_supplier(supplier_id=supplier.pk)

    assert told == 1
    notice = Notification.objects.get(user=buyer_user)
    assert "Hanoi Knitwear" in notice.title
    assert notice.url == reverse("organisation-profile", kwargs={"slug": supplier.slug})
    [email] = mail.outbox
    assert email.to == [buyer_user.email]
    assert "Hanoi Knitwear" in email.subject
    assert "/notifications/unsubscribe/" in email.body


@pytest.mark.parametrize(
    "verification", [Organisation.Verification.UNVERIFIED, Organisation.Verification.REJECTED]
)
def test_a_firm_staff_have_not_verified_is_not_announced(
    buyer_user, rebuild_search_index, verification
):
    save(buyer_user)
    supplier = new_knitter(verified=False, verification=verification)
    rebuild_search_index()

    told = services.saved_searches_notify_for_supplier(supplier_id=supplier.pk)

    assert told == 0
    assert not Notification.objects.filter(user=buyer_user).exists()
    assert not SavedSearchHit.objects.exists()


def test_staff_verifying_a_new_firm_sends_its_alert(
    buyer_user, rebuild_search_index, django_capture_on_commit_callbacks
):
    # given: a saved search, and a matching newcomer nobody has checked
    save(buyer_user)
    supplier = new_knitter(verified=False)
    rebuild_search_index()
    with django_capture_on_commit_callbacks(execute=True):
        services.saved_searches_notify_for_supplier(supplier_id=supplier.pk)
    assert not Notification.objects.filter(user=buyer_user).exists()

    # when: staff verify it (which refreshes it in the index and tells saved searches)
    with django_capture_on_commit_callbacks(execute=True):
        verify(supplier)

    # then
    [notice] = Notification.objects.filter(user=buyer_user, kind="saved_search_hit")
    assert "Hanoi Knitwear" in notice.title


def test_the_same_supplier_is_notified_only_once(buyer_user, rebuild_search_index):
    saved = save(buyer_user)
    supplier = new_knitter()
    rebuild_search_index()

    services.saved_searches_notify_for_supplier(supplier_id=supplier.pk)
    told_again = tasks.notify_saved_searches_for_supplier_task(supplier.pk)

    assert told_again == 0
    assert Notification.objects.filter(user=buyer_user).count() == 1
    assert SavedSearchHit.objects.filter(saved_search=saved, supplier=supplier).count() == 1


def test_each_new_matching_supplier_is_notified(buyer_user, rebuild_search_index):
    save(buyer_user)
    first = new_knitter(legal_name="Hanoi Knitwear")
    second = new_knitter(legal_name="Da Nang Knitwear")
    rebuild_search_index()

    services.saved_searches_notify_for_supplier(supplier_id=first.pk)
    services.saved_searches_notify_for_supplier(supplier_id=second.pk)

    assert Notification.objects.filter(user=buyer_user).count() == 2


def test_a_supplier_failing_the_filters_is_not_notified(buyer_user, rebuild_search_index):
    save(buyer_user, country="TH")
    supplier = new_knitter(country="VN")
    rebuild_search_index()

    told = services.saved_searches_notify_for_supplier(supplier_id=supplier.pk)

    assert told == 0
    assert not Notification.objects.exists()


def test_a_supplier_registered_before_the_search_was_saved_is_not_new(
    buyer_user, rebuild_search_index
):
    supplier = new_knitter()
    save(buyer_user)
    rebuild_search_index()

    assert services.saved_searches_notify_for_supplier(supplier_id=supplier.pk) == 0


def test_a_buyer_organisation_is_never_announced(buyer_user):
    save(buyer_user, query="")
    other_buyer = BuyerFactory(description="Knitwear brand")

    assert services.saved_searches_notify_for_supplier(supplier_id=other_buyer.pk) == 0


def test_no_email_when_the_user_turned_emails_off(
    buyer_user, rebuild_search_index, django_capture_on_commit_callbacks
):
    buyer_user.email_notifications = False
    buyer_user.save()
    save(buyer_user)
    supplier = new_knitter()
    rebuild_search_index()

    with django_capture_on_commit_callbacks(execute=True):
        services.saved_searches_notify_for_supplier(supplier_id=supplier.pk)

    assert Notification.objects.filter(user=buyer_user).count() == 1
    assert mail.outbox == []


def test_unsubscribe_link_in_the_email_turns_emails_off(
    client, buyer_user, rebuild_search_index, django_capture_on_commit_callbacks
):
    save(buyer_user)
    supplier = new_knitter()
    rebuild_search_index()
    with django_capture_on_commit_callbacks(execute=True):
        services.saved_searches_notify_for_supplier(supplier_id=supplier.pk)
    link = re.search(r"https?://\S+/notifications/unsubscribe/\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    client.post("/" + path)

    buyer_user.refresh_from_db()
    assert buyer_user.email_notifications is False


# API
# ------------------------------------------------------------------------------


def test_api_create_list_and_delete(api_as, buyer_user):
    client = api_as(buyer_user)

    created = client.post(
        "/api/v1/saved-searches/",
        {"name": "VN knitters", "q": "knitwear", "filters": {"country": "VN"}},
        format="json",
    )
    listed = client.get("/api/v1/saved-searches/")
    deleted = client.delete(f"/api/v1/saved-searches/{created.data['id']}/")

    assert created.status_code == 201
    assert created.data["filters"] == {"countries": ["VN"]}
    assert [s["name"] for s in listed.data["results"]] == ["VN knitters"]
    assert deleted.status_code == 204
    assert not SavedSearch.objects.exists()


def test_api_bad_filter_is_a_400_writing_nothing(api_as, buyer_user):
    response = api_as(buyer_user).post(
        "/api/v1/saved-searches/", {"q": "x", "filters": {"hs_code": "610999"}}, format="json"
    )

    assert response.status_code == 400
    assert "hs_code" in response.data["errors"]
    assert not SavedSearch.objects.exists()


def test_api_sme_cannot_save_a_search(api_as, supplier_user):
    response = api_as(supplier_user).post("/api/v1/saved-searches/", {"q": "x"}, format="json")

    assert response.status_code == 403
    assert not SavedSearch.objects.exists()


def test_api_another_users_saved_search_is_404(api_as, buyer_user):
    theirs = save(UserFactory(organisation=buyer_user.organisation))
    client = api_as(buyer_user)

    assert client.get(f"/api/v1/saved-searches/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/v1/saved-searches/{theirs.pk}/").status_code == 404
    assert SavedSearch.objects.filter(pk=theirs.pk).exists()


# PAGES
# ------------------------------------------------------------------------------


def test_page_save_this_search(client, buyer_user):
    client.force_login(buyer_user)

    response = client.post(
        reverse("saved-search-create"),
        {"name": "VN knitters", "q": "knitwear", "country": "VN", "hs_code": "6109"},
    )

    assert response.status_code == 302
    saved = SavedSearch.objects.get()
    assert saved.name == "VN knitters"
    assert saved.filters == {"countries": ["VN"], "hs_code": "6109"}


def test_page_bad_saved_search_writes_nothing_and_says_why(client, buyer_user):
    client.force_login(buyer_user)

    response = client.post(
        reverse("saved-search-create"), {"q": "knitwear", "hs_code": "610999"}, follow=True
    )

    assert not SavedSearch.objects.exists()
    assert "Unknown HS code: 610999" in response.content.decode()


def test_page_lists_saved_searches_with_a_link_that_runs_them(client, buyer_user):
    save(buyer_user, country="VN", hs_code="6109")
    client.force_login(buyer_user)

    page = client.get(reverse("saved-search-list")).content.decode()

    assert "knitwear" in page
    assert "country=VN" in page
    assert "hs_code=6109" in page


def test_page_delete_a_saved_search(client, buyer_user):
    saved = save(buyer_user)
    client.force_login(buyer_user)

    client.post(reverse("saved-search-delete", kwargs={"pk": saved.pk}))

    assert not SavedSearch.objects.exists()


def test_page_cannot_delete_another_users_saved_search(client, buyer_user):
    theirs = save(UserFactory(organisation=buyer_user.organisation))
    client.force_login(buyer_user)

    response = client.post(reverse("saved-search-delete", kwargs={"pk": theirs.pk}))

    assert response.status_code == 404
    assert SavedSearch.objects.exists()


def test_page_saved_searches_are_for_buyers(client, supplier_user):
    client.force_login(supplier_user)

    assert client.get(reverse("saved-search-list")).status_code == 403
