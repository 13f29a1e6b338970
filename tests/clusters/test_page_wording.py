"""What the cluster pages say in the places people misread: empty counts, contacts
not shown yet, what an import did, and the questions before a removal or a departure.
The consortium and analytics pages' wording is tested beside their apps."""

import pytest
from django.urls import reverse

from clusters import services
from tests.clusters.test_imports import apply, csv_bytes, good_row, run_import
from tests.factories import ContactPersonFactory

pytestmark = pytest.mark.django_db


def test_dashboard_of_a_cluster_without_members_says_so(client, manager, cluster):
    client.force_login(manager)

    html = client.get(reverse("cluster-manage", args=[cluster.slug])).content.decode()

    assert "no active member yet" in html
    assert "all 0 active members" not in html


def test_an_application_that_shares_contacts_says_they_show_once_a_member(
    client, manager, cluster, sme, sme_user
):
    # given: an SME applied and agreed to share its contact people
    ContactPersonFactory(organisation=sme, email="hidden@knitone.example")
    services.membership_apply(cluster=cluster, actor=sme_user, share_contacts=True)
    client.force_login(manager)

    # when
    html = client.get(reverse("cluster-manage", args=[cluster.slug])).content.decode()

    # then: the contacts wait for the approval, and the page says so
    assert "sharing contacts" in html
    assert "shown once a member" in html
    assert "hidden@knitone.example" not in html


def test_an_applied_import_says_what_was_done_and_that_the_firms_must_claim_them(
    client, manager, cluster, django_capture_on_commit_callbacks
):
    # given: an import of one good row, checked and then applied
    data = csv_bytes([good_row(1)])
    member_import = run_import(cluster, manager, data, capture=django_capture_on_commit_callbacks)
    checked = client_page(client, manager, cluster, member_import)
    assert ">Create<" in checked
    apply(member_import, manager, django_capture_on_commit_callbacks)

    # when
    html = client_page(client, manager, cluster, member_import)

    # then: the report is in the past tense, and says the firm has yet to claim its profile
    assert ">Created<" in html
    assert ">Create<" not in html
    assert "e-mailed an invitation to claim its profile" in html
    assert "imported, not claimed yet" in html


def client_page(client, manager, cluster, member_import) -> str:
    client.force_login(manager)
    url = reverse("cluster-import-detail", args=[cluster.slug, member_import.pk])
    return client.get(url).content.decode()


def test_removing_a_member_asks_first_and_the_reason_reaches_the_history(
    client, manager, cluster, member
):
    client.force_login(manager)
    dashboard = reverse("cluster-manage", args=[cluster.slug])

    html = client.get(dashboard).content.decode()
    assert "Remove…</summary>" in html
    assert f'id="note-{member.pk}-remove"' in html

    url = reverse("cluster-membership-action", args=[cluster.slug, member.pk, "remove"])
    response = client.post(url, {"note": "Closed its knitting unit."}, follow=True)

    member.refresh_from_db()
    assert member.status == member.Status.REMOVED
    assert "Closed its knitting unit." in response.content.decode()


def test_leaving_a_cluster_asks_first(client, cluster, member, sme_user):
    client.force_login(sme_user)

    html = client.get(reverse("my-clusters")).content.decode()

    assert "Leave the cluster…</summary>" in html
    assert "Reason, told to the managers (optional)" in html
