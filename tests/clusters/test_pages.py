"""Cluster pages: the public directory and page, proposing, the managers' dashboard and
an SME's clusters; another cluster's dashboard and actions are 404."""

import pytest
from django.urls import reverse

from clusters import services
from clusters.models import Cluster, ClusterMembership
from tests.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db


def test_the_directory_lists_approved_clusters(client, cluster):
    page = client.get(reverse("cluster-directory")).content.decode()

    assert cluster.name in page


def test_the_public_page_lists_members_who_agreed(client, cluster, member):
    ContactPersonFactory(organisation=member.supplier, name="Priya Secret")

    page = client.get(reverse("cluster-page", kwargs={"slug": cluster.slug})).content.decode()

    assert "Knit One Exports" in page
    assert "Priya Secret" not in page


def test_a_cluster_body_user_proposes_a_cluster(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("cluster-propose"),
        {"name": "Jepara Furniture", "country": "ID", "sector": "3100", "main_products": "940360"},
    )

    cluster = Cluster.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cluster-manage", kwargs={"slug": cluster.slug})


def test_the_propose_form_shows_a_field_error(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("cluster-propose"), {"name": "Jepara", "country": "ID", "sector": "0000"}
    )

    assert response.status_code == 200
    assert "Unknown ISIC" in response.content.decode()
    assert not Cluster.objects.exists()


def test_an_sme_cannot_open_the_propose_form(client, sme_user):
    client.force_login(sme_user)

    assert client.get(reverse("cluster-propose")).status_code == 403


def test_the_dashboard_shows_members_contacts_and_history(client, cluster, manager, member):
    ContactPersonFactory(organisation=member.supplier, name="Priya Shared")
    client.force_login(manager)

    page = client.get(reverse("cluster-manage", kwargs={"slug": cluster.slug})).content.decode()

    assert "Knit One Exports" in page
    assert "Priya Shared" in page
    assert "Suspend" in page
    assert "History" in page


def test_a_manager_suspends_from_the_dashboard(client, cluster, manager, member):
    client.force_login(manager)

    client.post(
        reverse(
            "cluster-membership-action",
            kwargs={"slug": cluster.slug, "pk": member.pk, "action": "suspend"},
        )
    )

    member.refresh_from_db()
    assert member.status == "suspended"


def test_a_manager_invites_by_email_from_the_dashboard(client, cluster, manager):
    client.force_login(manager)

    response = client.post(
        reverse("cluster-invite", kwargs={"slug": cluster.slug}), {"email": "new@firm.example"}
    )

    assert response.status_code == 302
    assert ClusterMembership.objects.get().invited_email == "new@firm.example"


def test_an_unknown_sme_to_invite_is_a_field_error(client, cluster, manager):
    client.force_login(manager)

    response = client.post(
        reverse("cluster-invite", kwargs={"slug": cluster.slug}), {"supplier": "no-such-firm"}
    )

    assert response.status_code == 400
    assert "No registered SME" in response.content.decode()
    assert not ClusterMembership.objects.exists()


def test_another_clusters_dashboard_is_404(client, cluster, other_manager):
    client.force_login(other_manager)

    assert client.get(reverse("cluster-manage", kwargs={"slug": cluster.slug})).status_code == 404


def test_another_clusters_member_action_is_404(
    client, cluster, other_cluster, other_manager, member
):
    client.force_login(other_manager)

    response = client.post(
        reverse(
            "cluster-membership-action",
            kwargs={"slug": cluster.slug, "pk": member.pk, "action": "remove"},
        )
    )

    assert response.status_code == 404
    member.refresh_from_db()
    assert member.status == "active"


def test_a_member_action_through_ones_own_cluster_address_is_404(
    client, cluster, other_cluster, other_manager, member
):
    client.force_login(other_manager)

    response = client.post(
        reverse(
            "cluster-membership-action",
            kwargs={"slug": other_cluster.slug, "pk": member.pk, "action": "remove"},
        )
    )

    assert response.status_code == 404


def test_an_sme_applies_from_the_page(client, cluster, sme_user):
    client.force_login(sme_user)

    response = client.post(
        reverse("cluster-apply", kwargs={"slug": cluster.slug}), {"listed_publicly": "on"}
    )

    assert response.status_code == 302
    membership = ClusterMembership.objects.get()
    assert membership.status == "applied"
    assert membership.listed_publicly


def test_an_sme_accepts_an_invitation_in_my_clusters(client, cluster, manager, sme, sme_user):
    membership = services.membership_invite(cluster=cluster, actor=manager, supplier=sme)
    client.force_login(sme_user)
    assert "Accept the invitation" in client.get(reverse("my-clusters")).content.decode()

    client.post(
        reverse("my-membership-accept", kwargs={"pk": membership.pk}), {"share_contacts": "on"}
    )

    membership.refresh_from_db()
    assert membership.status == "active"
    assert membership.share_contacts


def test_an_sme_leaves_from_my_clusters(client, member, sme_user):
    client.force_login(sme_user)

    client.post(reverse("my-membership-action", kwargs={"pk": member.pk, "action": "leave"}))

    member.refresh_from_db()
    assert member.status == "left"


def test_another_sme_cannot_leave_for_a_member(client, member, other_supplier_user):
    client.force_login(other_supplier_user)

    response = client.post(
        reverse("my-membership-action", kwargs={"pk": member.pk, "action": "leave"})
    )

    assert response.status_code == 404


def test_the_invitation_link_invites_to_sign_up(client, cluster, manager):
    membership = services.membership_invite(cluster=cluster, actor=manager, email="n@firm.example")

    page = client.get(reverse("cluster-invitation", kwargs={"token": membership.token}))

    assert page.status_code == 200
    assert "n@firm.example" in page.content.decode()


def test_staff_approve_from_the_review_page(client, manager, staff_user):
    cluster = services.cluster_propose(actor=manager, name="X", country="IN", sector="1430")
    client.force_login(staff_user)

    client.post(reverse("cluster-review-list"), {"cluster": cluster.pk, "status": "approved"})

    cluster.refresh_from_db()
    assert cluster.status == "approved"


def test_the_navigation_offers_my_cluster_to_cluster_body_users(client, cluster, manager):
    client.force_login(manager)

    page = client.get(reverse("dashboard")).content.decode()

    assert reverse("cluster-managed") in page
    assert reverse("cluster-directory") in page


@pytest.mark.parametrize("model", ["cluster", "clustermembership"])
def test_staff_admin_lists_clusters_and_memberships(client, member, model):
    from tests.factories import UserFactory

    admin_user = UserFactory(organisation=None, is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    response = client.get(reverse(f"admin:clusters_{model}_changelist"))

    assert response.status_code == 200


def test_staff_approve_through_the_admin_action(client, manager):
    from tests.factories import UserFactory

    cluster = services.cluster_propose(actor=manager, name="X", country="IN", sector="1430")
    admin_user = UserFactory(organisation=None, is_staff=True, is_superuser=True)
    client.force_login(admin_user)

    client.post(
        reverse("admin:clusters_cluster_changelist"),
        {"action": "approve", "_selected_action": [cluster.pk]},
    )

    cluster.refresh_from_db()
    assert cluster.status == "approved"
    assert cluster.reviewed_by == admin_user
