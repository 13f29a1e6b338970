"""The admin is no second write path: a review there goes through the same service as
the review page (who reviewed is kept, the managers are told), and nothing else of a
cluster, a membership or an import is added, changed or deleted there."""

import pytest
from django.urls import reverse

from clusters import services
from clusters.models import Cluster, ClusterMembership
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin_user = UserFactory(organisation=None, is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    client.admin_user = admin_user
    return client


@pytest.fixture
def proposed(manager):
    return services.cluster_propose(actor=manager, name="Jepara", country="ID", sector="3100")


def _review_on_the_page(client, cluster, status):
    return client.post(reverse("cluster-review-list"), {"cluster": cluster.pk, "status": status})


@pytest.mark.parametrize("status", ["approved", "rejected"])
def test_an_admin_review_does_what_the_review_page_does(admin_client, manager, status):
    on_page = services.cluster_propose(actor=manager, name="On page", country="ID", sector="3100")
    in_admin = services.cluster_propose(actor=manager, name="In admin", country="ID", sector="3100")

    _review_on_the_page(admin_client, on_page, status)
    action = "approve" if status == "approved" else "reject"
    admin_client.post(
        reverse("admin:clusters_cluster_changelist"),
        {"action": action, "_selected_action": [in_admin.pk]},
    )

    for cluster in (on_page, in_admin):
        cluster.refresh_from_db()
        assert cluster.status == status
        assert cluster.reviewed_by == admin_client.admin_user
        assert cluster.reviewed_at is not None
    told = Notification.objects.filter(user=manager, kind=f"cluster_{status}")
    assert sorted(n.title for n in told) == sorted(
        f"Cluster {status}: {name}" for name in ("On page", "In admin")
    )


def test_a_cluster_is_not_edited_in_the_admin(admin_client, proposed):
    url = reverse("admin:clusters_cluster_change", args=[proposed.pk])

    admin_client.post(url, {"name": "Renamed", "status": "approved"})

    proposed.refresh_from_db()
    assert proposed.name == "Jepara"
    assert proposed.status == Cluster.Status.PROPOSED
    assert admin_client.get(url).status_code == 200  # still shown


@pytest.mark.parametrize(
    "name",
    ["cluster", "clustermembership", "memberimport", "importedfirm"],
)
def test_nothing_is_added_or_deleted_in_the_admin(admin_client, member, name):
    add = admin_client.get(reverse(f"admin:clusters_{name}_add"))

    assert add.status_code == 403


def test_a_membership_is_not_deleted_in_the_admin(admin_client, member):
    url = reverse("admin:clusters_clustermembership_delete", args=[member.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 403
    assert ClusterMembership.objects.filter(pk=member.pk).exists()


def test_the_review_actions_are_offered_to_staff(admin_client, proposed):
    page = admin_client.get(reverse("admin:clusters_cluster_changelist")).content.decode()

    assert 'value="approve"' in page
    assert 'value="reject"' in page
