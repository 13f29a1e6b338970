"""Who sees which request, on every route that shows requests.

A confidential request is seen only by its buyer's users, the suppliers it was
proposed to (and, once clusters exist, their cluster managers) and staff; to
everyone else it does not exist: 404 in detail, absent from lists.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import SourcingRequest
from matching.selectors import requests as selectors
from tests.factories import (
    BuyerFactory,
    ProposalFactory,
    SourcingRequestFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(buyer_user):
    """A buyer's confidential, public and draft requests, and everyone who might look."""
    proposed_supplier = SupplierFactory(legal_name="Proposed Knit")
    world = {
        "confidential": SourcingRequestFactory(
            created_by=buyer_user, title="Secret surgical kits", visibility="confidential"
        ),
        "public": SourcingRequestFactory(created_by=buyer_user, title="Public T-shirts"),
        "draft": SourcingRequestFactory(
            created_by=buyer_user, title="Unfinished draft", opened=False
        ),
        "buyer_colleague": UserFactory(organisation=buyer_user.organisation),
        "proposed_supplier_user": UserFactory(organisation=proposed_supplier),
        "other_supplier_user": UserFactory(organisation=SupplierFactory(legal_name="Not Asked")),
        "other_buyer_user": UserFactory(organisation=BuyerFactory(legal_name="Other Brand")),
        "staff": UserFactory(organisation=None, is_staff=True),
    }
    ProposalFactory(request=world["confidential"], supplier=proposed_supplier)
    return world


OUTSIDERS = ["other_supplier_user", "other_buyer_user", "cluster_body_user"]
INSIDERS = ["buyer_colleague", "proposed_supplier_user", "staff"]


def viewer(world, name, request):
    if name == "cluster_body_user":
        return request.getfixturevalue("cluster_body_user")
    return world[name]


# CONFIDENTIAL REQUESTS
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
def test_confidential_detail_page_is_404_to_outsiders(client, world, who, request):
    client.force_login(viewer(world, who, request))

    response = client.get(reverse("request-detail", kwargs={"pk": world["confidential"].pk}))

    assert response.status_code == 404


def test_confidential_detail_page_is_404_to_anonymous(client, world):
    response = client.get(reverse("request-detail", kwargs={"pk": world["confidential"].pk}))

    assert response.status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_confidential_detail_api_is_404_to_outsiders(api_as, world, who, request):
    response = api_as(viewer(world, who, request)).get(
        f"/api/v1/requests/{world['confidential'].pk}/"
    )

    assert response.status_code == 404


def test_confidential_detail_api_is_404_to_anonymous(api_client, world):
    response = api_client.get(f"/api/v1/requests/{world['confidential'].pk}/")

    assert response.status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_confidential_is_absent_from_the_list_page_of_outsiders(client, world, who, request):
    client.force_login(viewer(world, who, request))

    page = client.get(reverse("request-list")).content.decode()

    assert "Secret surgical kits" not in page


@pytest.mark.parametrize("who", OUTSIDERS)
def test_confidential_is_absent_from_the_list_api_of_outsiders(api_as, world, who, request):
    response = api_as(viewer(world, who, request)).get("/api/v1/requests/")

    titles = [r["title"] for r in response.data["results"]]
    assert "Secret surgical kits" not in titles
    assert "Public T-shirts" in titles


def test_confidential_is_absent_from_the_anonymous_list_api(api_client, world):
    response = api_client.get("/api/v1/requests/")

    assert [r["title"] for r in response.data["results"]] == ["Public T-shirts"]


@pytest.mark.parametrize("who", ["other_supplier_user", "proposed_supplier_user"])
def test_confidential_is_never_on_the_open_requests_page(client, world, who):
    client.force_login(world[who])

    page = client.get(reverse("open-requests")).content.decode()

    assert "Secret surgical kits" not in page
    assert "Public T-shirts" in page


@pytest.mark.parametrize("who", ["other_supplier_user", "proposed_supplier_user"])
def test_confidential_is_never_in_the_open_requests_api(api_as, world, who):
    response = api_as(world[who]).get("/api/v1/open-requests/")

    titles = [fit["request"]["title"] for fit in response.data["results"]]
    assert titles == ["Public T-shirts"]


@pytest.mark.parametrize("who", INSIDERS)
def test_confidential_detail_page_is_shown_to_insiders(client, world, who):
    client.force_login(world[who])

    response = client.get(reverse("request-detail", kwargs={"pk": world["confidential"].pk}))

    assert response.status_code == 200
    assert "Secret surgical kits" in response.content.decode()


@pytest.mark.parametrize("who", INSIDERS)
def test_confidential_detail_api_is_shown_to_insiders(api_as, world, who):
    response = api_as(world[who]).get(f"/api/v1/requests/{world['confidential'].pk}/")

    assert response.status_code == 200


@pytest.mark.parametrize("who", INSIDERS)
def test_confidential_is_in_the_list_api_of_insiders(api_as, world, who):
    response = api_as(world[who]).get("/api/v1/requests/")

    assert "Secret surgical kits" in [r["title"] for r in response.data["results"]]


def test_confidential_cannot_be_changed_by_the_supplier_it_was_proposed_to(api_as, world):
    response = api_as(world["proposed_supplier_user"]).patch(
        f"/api/v1/requests/{world['confidential'].pk}/", {"title": "Mine"}, format="json"
    )

    assert response.status_code == 404


def test_cluster_manager_hook_sees_nothing_until_clusters_exist(world):
    assert selectors.suppliers_of_managed_clusters(user=world["other_supplier_user"]) == set()


def test_cluster_manager_of_a_proposed_supplier_sees_the_confidential_request(
    world, cluster_body_user, monkeypatch
):
    proposed = world["proposed_supplier_user"].organisation
    monkeypatch.setattr(
        selectors,
        "suppliers_of_managed_clusters",
        lambda *, user: {proposed.pk} if user == cluster_body_user else set(),
    )

    found = selectors.request_get_visible(user=cluster_body_user, pk=world["confidential"].pk)

    assert found == world["confidential"]


# DRAFTS
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_supplier_user", "other_buyer_user", "staff"])
def test_draft_is_404_outside_the_buyer_except_to_staff(api_as, world, who):
    response = api_as(world[who]).get(f"/api/v1/requests/{world['draft'].pk}/")

    assert response.status_code == (200 if who == "staff" else 404)


def test_draft_is_shown_to_the_buyers_colleague(client, world):
    client.force_login(world["buyer_colleague"])

    response = client.get(reverse("request-detail", kwargs={"pk": world["draft"].pk}))

    assert response.status_code == 200


def test_draft_is_404_to_anonymous(client, world):
    response = client.get(reverse("request-detail", kwargs={"pk": world["draft"].pk}))

    assert response.status_code == 404


# PUBLIC REQUESTS
# ------------------------------------------------------------------------------


def test_public_open_request_is_public(client, world):
    response = client.get(reverse("request-detail", kwargs={"pk": world["public"].pk}))

    assert response.status_code == 200


def test_public_closed_request_is_hidden_from_anonymous_but_shown_to_users(
    client, world, buyer_user
):
    services.request_close(request=world["public"], actor=buyer_user)
    url = reverse("request-detail", kwargs={"pk": world["public"].pk})

    anonymous = client.get(url)
    client.force_login(world["other_supplier_user"])
    logged_in = client.get(url)

    assert anonymous.status_code == 404
    assert logged_in.status_code == 200


def test_public_request_past_its_deadline_is_hidden_from_anonymous(client, world):
    SourcingRequest.objects.filter(pk=world["public"].pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )

    response = client.get(reverse("request-detail", kwargs={"pk": world["public"].pk}))

    assert response.status_code == 404


def test_unknown_request_is_404(client, world):
    response = client.get(reverse("request-detail", kwargs={"pk": 999_999}))

    assert response.status_code == 404
