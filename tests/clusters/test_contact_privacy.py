"""A member that did not agree to share its contacts shows none of its users' e-mails to
the cluster's managers: not in a membership's history (API), nor on the manage page.
The member's users see the managers' actions as "the cluster's manager" and staff's as
"staff"."""

import pytest
from django.urls import reverse

from clusters import services
from tests.factories import ClusterMembershipFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    return UserFactory(
        organisation=SupplierFactory(legal_name="Quiet Knit Ltd"), email="owner@quiet-knit.example"
    )


def member_of(cluster, applicant, *, share_contacts):
    return ClusterMembershipFactory(
        cluster=cluster, applicant=applicant, share_contacts=share_contacts
    )


def history(api_as, user, membership):
    response = api_as(user).get(f"/api/v1/memberships/{membership.pk}/events/")
    assert response.status_code == 200
    return response


def test_the_manager_sees_the_firms_name_not_its_users_email(api_as, cluster, manager, applicant):
    membership = member_of(cluster, applicant, share_contacts=False)

    response = history(api_as, manager, membership)

    assert "owner@quiet-knit.example" not in response.content.decode()
    actors = [e["actor"] for e in response.json()["results"]]
    assert "Quiet Knit Ltd" in actors
    assert manager.email in actors


def test_the_manager_sees_the_email_when_the_member_shares_contacts(
    api_as, cluster, manager, applicant
):
    membership = member_of(cluster, applicant, share_contacts=True)

    response = history(api_as, manager, membership)

    assert "owner@quiet-knit.example" in [e["actor"] for e in response.json()["results"]]


def test_the_member_sees_its_own_users_and_the_cluster_s_manager(
    api_as, cluster, manager, applicant, staff_user
):
    membership = member_of(cluster, applicant, share_contacts=False)
    services.membership_suspend(membership=membership, actor=manager)

    response = history(api_as, applicant, membership)

    actors = [e["actor"] for e in response.json()["results"]]
    assert "owner@quiet-knit.example" in actors
    assert "the cluster's manager" in actors
    assert manager.email not in response.content.decode()
    assert set(e["actor"] for e in history(api_as, staff_user, membership).json()["results"]) >= {
        "owner@quiet-knit.example",
        manager.email,
    }


@pytest.mark.parametrize("share_contacts", [False, True])
def test_the_manage_page_shows_a_users_email_only_when_shared(
    client, cluster, manager, applicant, share_contacts
):
    member_of(cluster, applicant, share_contacts=share_contacts)
    client.force_login(manager)

    page = client.get(reverse("cluster-manage", kwargs={"slug": cluster.slug})).content.decode()

    assert ("owner@quiet-knit.example" in page) is share_contacts
    assert "Quiet Knit Ltd" in page
