"""A member that chose not to be listed publicly is found through the cluster filter only
by that cluster's managers and staff: not by a buyer, another cluster's manager, nor the
saved searches of a buyer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import services as matching_services
from matching.models import SavedSearch, SavedSearchHit
from matching.search import SupplierSearchFilters, supplier_search
from tests.factories import (
    ClusterBodyUserFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    SavedSearchFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEARCH_API = reverse("api:supplier-search")


@pytest.fixture
def members(cluster, rebuild_search_index):
    listed = SupplierFactory(legal_name="Listed Knit", country="IN")
    unlisted = SupplierFactory(legal_name="Quiet Knit", country="IN")
    ClusterMembershipFactory(
        cluster=cluster, applicant=UserFactory(organisation=listed), listed_publicly=True
    )
    ClusterMembershipFactory(
        cluster=cluster, applicant=UserFactory(organisation=unlisted), listed_publicly=False
    )
    rebuild_search_index()
    return {"listed": listed, "unlisted": unlisted}


def api_names(api_as, user, **params):
    response = api_as(user).get(SEARCH_API, params)
    assert response.status_code == 200
    return {row["organisation"]["legal_name"] for row in response.json()["results"]}


@pytest.mark.parametrize("cluster_param", ["own", "any"])
def test_a_buyer_does_not_find_an_unlisted_member(
    api_as, buyer_user, cluster, members, cluster_param
):
    value = str(cluster.pk) if cluster_param == "own" else "any"
    assert api_names(api_as, buyer_user, cluster=value) == {"Listed Knit"}


def searched_by(user, **params):
    # Managers reach the search through the selector (their pages), not the buyers' API.
    page = supplier_search(user=user, query="", filters=SupplierSearchFilters.from_params(params))
    return {hit.organisation.legal_name for hit in page.hits}


def test_the_clusters_manager_and_staff_find_it(api_as, manager, staff_user, cluster, members):
    both = {"Listed Knit", "Quiet Knit"}
    assert searched_by(manager, cluster=str(cluster.pk)) == both
    assert searched_by(manager, cluster="any") == both
    assert api_names(api_as, staff_user, cluster=str(cluster.pk)) == both
    assert api_names(api_as, staff_user, cluster="any") == both


def test_another_clusters_manager_does_not_find_it(api_as, cluster, members, staff_user):
    other = ClusterBodyUserFactory()
    ClusterFactory(proposed_by=other, reviewed_by=staff_user)
    assert searched_by(other, cluster=str(cluster.pk)) == {"Listed Knit"}
    assert searched_by(other, cluster="any") == {"Listed Knit"}


def test_the_search_page_hides_it_from_a_buyer(client, buyer_user, cluster, members):
    client.force_login(buyer_user)
    page = client.get(reverse("supplier-search"), {"cluster": str(cluster.pk)}).content.decode()
    assert "Listed Knit" in page
    assert "Quiet Knit" not in page


def test_a_buyers_saved_search_is_told_of_a_new_listed_member_only(
    buyer_user, manager, cluster, rebuild_search_index
):
    searches = {
        who: SavedSearchFactory(user=user, query="", filters={"cluster": str(cluster.pk)})
        for who, user in (("buyer", buyer_user), ("manager", manager))
    }
    SavedSearch.objects.update(created_at=timezone.now() - timedelta(days=1))
    listed = SupplierFactory(legal_name="Listed Newcomer", country="IN", verified=True)
    unlisted = SupplierFactory(legal_name="Quiet Newcomer", country="IN", verified=True)
    for firm, listed_publicly in ((listed, True), (unlisted, False)):
        ClusterMembershipFactory(
            cluster=cluster,
            applicant=UserFactory(organisation=firm),
            listed_publicly=listed_publicly,
        )
    rebuild_search_index()
    for firm in (listed, unlisted):
        matching_services.saved_searches_notify_for_supplier(supplier_id=firm.pk)

    def told(who):
        return set(
            SavedSearchHit.objects.filter(saved_search=searches[who]).values_list(
                "supplier__legal_name", flat=True
            )
        )

    assert told("buyer") == {"Listed Newcomer"}
    assert told("manager") == {"Listed Newcomer", "Quiet Newcomer"}
