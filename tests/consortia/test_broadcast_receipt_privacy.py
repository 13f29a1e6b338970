"""A broadcast's read receipts name the member firm; the user who read it only when the
member agreed to share its contacts with the cluster's managers."""

import pytest
from django.urls import reverse

from consortia import services as consortia_services
from tests.factories import ClusterMembershipFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_receipts_show_the_readers_email_only_when_shared(
    api_as, client, cluster, manager, django_capture_on_commit_callbacks
):
    readers = {}
    for name, share in (("Quiet Knit", False), ("Open Knit", True)):
        slug = name.split()[0].lower()
        user = UserFactory(
            organisation=SupplierFactory(legal_name=name), email=f"reader@{slug}.example"
        )
        ClusterMembershipFactory(cluster=cluster, applicant=user, share_contacts=share)
        readers[name] = user
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = consortia_services.broadcast_send(
            cluster=cluster, actor=manager, subject="Buyers visit", body="Bring samples."
        )
    for user in readers.values():
        api_as(user).post(f"/api/v1/broadcasts/{broadcast.pk}/read/")

    response = api_as(manager).get(f"/api/v1/clusters/{cluster.pk}/broadcasts/{broadcast.pk}/")

    receipts = {r["supplier_name"]: r for r in response.json()["recipients"]}
    assert receipts["Quiet Knit"]["read_by"] is None
    assert receipts["Quiet Knit"]["read_at"] is not None
    assert receipts["Open Knit"]["read_by"] == "reader@open.example"
    assert "reader@quiet.example" not in response.content.decode()
    client.force_login(manager)
    page = client.get(
        reverse("cluster-broadcast-detail", kwargs={"slug": cluster.slug, "pk": broadcast.pk})
    ).content.decode()
    assert "reader@quiet.example" not in page
    assert "Quiet Knit" in page
