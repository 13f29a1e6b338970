"""The clusters API: the lifecycle over HTTP, field errors, and 404 for other clusters."""

import pytest

from clusters import services
from clusters.models import Cluster, ClusterMembership
from tests.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db


def test_a_cluster_body_user_proposes_a_cluster(api_as, manager):
    response = api_as(manager).post(
        "/api/v1/clusters/",
        {
            "name": "Penang Electronics",
            "country": "MY",
            "sector": "2610",
            "main_products": ["8542"],
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.data["status"] == "proposed"
    assert response.data["managers"] == [manager.email]


def test_unknown_codes_are_field_errors(api_as, manager):
    response = api_as(manager).post(
        "/api/v1/clusters/",
        {"name": "X", "country": "ZZ", "sector": "0000", "main_products": ["770000"]},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.data["errors"]) == {"country", "sector", "main_products"}
    assert not Cluster.objects.exists()


def test_the_public_list_and_page(api_client, cluster, member):
    listing = api_client.get("/api/v1/clusters/")
    page = api_client.get(f"/api/v1/clusters/{cluster.pk}/")

    assert [c["name"] for c in listing.data["results"]] == [cluster.name]
    assert page.status_code == 200
    assert [m["legal_name"] for m in page.data["members"]] == ["Knit One Exports"]
    assert "contacts" not in str(page.data)


def test_staff_review(api_as, manager, staff_user):
    cluster = services.cluster_propose(actor=manager, name="X", country="IN", sector="1430")

    response = api_as(staff_user).post(
        f"/api/v1/staff/clusters/{cluster.pk}/review/", {"status": "approved"}, format="json"
    )

    assert response.status_code == 200
    assert response.data["status"] == "approved"


def test_review_is_404_to_non_staff(api_as, manager):
    cluster = services.cluster_propose(actor=manager, name="X", country="IN", sector="1430")

    response = api_as(manager).post(
        f"/api/v1/staff/clusters/{cluster.pk}/review/", {"status": "approved"}, format="json"
    )

    assert response.status_code == 404


def test_apply_approve_and_history(api_as, cluster, sme_user, manager):
    applied = api_as(sme_user).post(
        f"/api/v1/clusters/{cluster.pk}/apply/",
        {"listed_publicly": True, "share_contacts": True},
        format="json",
    )
    assert applied.status_code == 201
    membership_id = applied.data["id"]

    approved = api_as(manager).post(f"/api/v1/memberships/{membership_id}/approve/", {})
    events = api_as(manager).get(f"/api/v1/memberships/{membership_id}/events/")

    assert approved.data["status"] == "active"
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in events.data["results"]] == [
        ("", "applied", sme_user.email),
        ("applied", "active", manager.email),
    ]


def test_an_sme_approving_itself_gets_404(api_as, cluster, sme_user):
    membership = services.membership_apply(cluster=cluster, actor=sme_user)

    response = api_as(sme_user).post(f"/api/v1/memberships/{membership.pk}/approve/", {})

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == "applied"


def test_a_duplicate_application_is_a_field_error(api_as, cluster, sme_user):
    api_as(sme_user).post(f"/api/v1/clusters/{cluster.pk}/apply/", {}, format="json")

    response = api_as(sme_user).post(f"/api/v1/clusters/{cluster.pk}/apply/", {}, format="json")

    assert response.status_code == 400
    assert "cluster" in response.data["errors"]
    assert ClusterMembership.objects.count() == 1


def test_invite_by_email_and_by_id(api_as, cluster, manager, sme):
    api = api_as(manager)

    by_email = api.post(
        f"/api/v1/clusters/{cluster.pk}/invitations/", {"email": "new@firm.example"}, format="json"
    )
    by_id = api.post(
        f"/api/v1/clusters/{cluster.pk}/invitations/", {"supplier": sme.pk}, format="json"
    )

    assert by_email.status_code == 201
    assert by_email.data["invited_email"] == "new@firm.example"
    assert by_id.status_code == 201
    assert by_id.data["supplier"] == sme.pk


def test_a_bad_invitation_email_is_a_field_error(api_as, cluster, manager):
    response = api_as(manager).post(
        f"/api/v1/clusters/{cluster.pk}/invitations/", {"email": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert "email" in response.data["errors"]


def test_accept_and_leave(api_as, cluster, manager, sme, sme_user):
    membership = services.membership_invite(cluster=cluster, actor=manager, supplier=sme)
    api = api_as(sme_user)

    accepted = api.post(
        f"/api/v1/memberships/{membership.pk}/accept/", {"share_contacts": True}, format="json"
    )
    left = api.post(f"/api/v1/memberships/{membership.pk}/leave/", {}, format="json")

    assert accepted.data["status"] == "active"
    assert accepted.data["share_contacts"] is True
    assert left.data["status"] == "left"


def test_a_removed_member_cannot_leave(api_as, member, manager, sme_user):
    services.membership_remove(membership=member, actor=manager)

    response = api_as(sme_user).post(f"/api/v1/memberships/{member.pk}/leave/", {})

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.status == "removed"


def test_the_member_list_shows_contacts_only_where_agreed(api_as, cluster, manager, member):
    ContactPersonFactory(organisation=member.supplier, name="Priya Shared")
    services.membership_set_consent(
        membership=member,
        actor=member.supplier.users.first(),
        listed_publicly=True,
        share_contacts=False,
    )

    response = api_as(manager).get(f"/api/v1/clusters/{cluster.pk}/members/")

    assert response.data["results"][0]["contacts"] == []


def test_the_member_list_shows_contacts_of_a_member_who_agreed(api_as, cluster, manager, member):
    ContactPersonFactory(organisation=member.supplier, name="Priya Shared")

    response = api_as(manager).get(f"/api/v1/clusters/{cluster.pk}/members/")

    assert [c["name"] for c in response.data["results"][0]["contacts"]] == ["Priya Shared"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/clusters/{c}/members/"),
        ("post", "/api/v1/clusters/{c}/invitations/"),
        ("patch", "/api/v1/clusters/{c}/"),
        ("post", "/api/v1/memberships/{m}/suspend/"),
        ("post", "/api/v1/memberships/{m}/remove/"),
        ("get", "/api/v1/memberships/{m}/events/"),
    ],
)
def test_another_clusters_manager_gets_404(api_as, cluster, member, other_manager, method, path):
    api = api_as(other_manager)

    response = getattr(api, method)(path.format(c=cluster.pk, m=member.pk), {}, format="json")

    assert response.status_code == 404
    member.refresh_from_db()
    assert member.status == "active"


def test_managed_list_is_only_mine(api_as, cluster, other_cluster, manager):
    response = api_as(manager).get("/api/v1/clusters/managed/")

    assert [c["name"] for c in response.data["results"]] == [cluster.name]
