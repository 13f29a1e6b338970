"""An imported firm stays out of sight until a user of the firm claims its profile.

Unclaimed: not in the directory, not on a profile page, not found by search, never
proposed nor a near-miss, no saved-search alert, not on the cluster's public page.
Claimed: all of those, and an active member of the cluster that imported it.
"""

from unittest import mock

import pytest
from django.urls import reverse

from clusters import selectors
from clusters import services as cluster_services
from clusters.models import ClusterMembership, ImportedFirm, MembershipEvent
from companies import services as company_services
from companies.models import Invitation, Organisation, User
from matching import services as matching_services
from matching.models import NearMiss, Proposal
from matching.search import SupplierSearchFilters, supplier_search
from notifications.models import Notification
from tests.clusters.test_imports import apply, csv_bytes, good_row, run_import
from tests.factories import TEST_PASSWORD
from tests.worlds import open_request_for, verify


@pytest.fixture
def imported(cluster, manager, staff_user, django_capture_on_commit_callbacks):
    """One firm imported by the cluster, verified by staff so only the claim is missing."""
    member_import = run_import(
        cluster,
        manager,
        csv_bytes([good_row(1, legal_name="Hidden Knit Mills")]),
        capture=django_capture_on_commit_callbacks,
    )
    apply(member_import, manager, django_capture_on_commit_callbacks)
    firm = Organisation.objects.get(legal_name="Hidden Knit Mills")
    with django_capture_on_commit_callbacks(execute=True):
        company_services.organisation_set_verification(
            organisation=firm, actor=staff_user, verification="verified"
        )
    return firm


def claim(firm, capture, **kwargs):
    invitation = Invitation.objects.get(organisation=firm)
    with capture(execute=True):
        return company_services.invitation_accept(
            token=invitation.token, password=TEST_PASSWORD, full_name="Owner", **kwargs
        )


def search_names(query: str = "knit") -> set[str]:
    page = supplier_search(user=None, query=query, filters=SupplierSearchFilters())
    return {hit.organisation.legal_name for hit in page.hits}


def open_request(buyer_user, capture):
    with capture(execute=True):
        request = open_request_for(buyer_user)
    return request


def test_unclaimed_firm_is_absent_from_directory_and_profile_page(client, imported):
    response = client.get(reverse("supplier-directory"))
    assert response.status_code == 200
    assert "Hidden Knit Mills" not in response.content.decode()
    assert client.get(reverse("organisation-profile", args=[imported.slug])).status_code == 404
    assert client.get(f"/api/v1/organisations/{imported.pk}/").status_code == 404
    listing = client.get("/api/v1/organisations/", {"text": "Hidden"})
    assert listing.status_code == 200
    assert "Hidden Knit Mills" not in listing.content.decode()


def test_unclaimed_firm_is_not_found_by_search(imported, rebuild_search_index):
    rebuild_search_index()
    assert "Hidden Knit Mills" not in search_names()
    assert "Hidden Knit Mills" not in search_names("")


def test_unclaimed_firm_is_never_proposed_nor_a_near_miss(
    imported, buyer_user, rebuild_search_index, django_capture_on_commit_callbacks
):
    rebuild_search_index()
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    matching_services.match_one_request(request_id=request.pk)
    matching_services.match_one_supplier(supplier_id=imported.pk)
    assert not Proposal.objects.filter(supplier=imported).exists()
    assert not NearMiss.objects.filter(supplier=imported).exists()


def test_unclaimed_firm_triggers_no_saved_search_alert(
    cluster, manager, buyer_user, rebuild_search_index, django_capture_on_commit_callbacks
):
    matching_services.saved_search_create(actor=buyer_user, name="Knitters", query="knit")
    member_import = run_import(
        cluster,
        manager,
        csv_bytes([good_row(1, legal_name="Hidden Knit Mills")]),
        capture=django_capture_on_commit_callbacks,
    )
    apply(member_import, manager, django_capture_on_commit_callbacks)
    firm = Organisation.objects.get(legal_name="Hidden Knit Mills")
    rebuild_search_index()

    assert matching_services.saved_searches_notify_for_supplier(supplier_id=firm.pk) == 0

    claim(firm, django_capture_on_commit_callbacks)
    # Claimed, but no alert until staff have verified the firm.
    assert Notification.objects.filter(user=buyer_user, kind="saved_search_hit").count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        verify(firm)
    assert Notification.objects.filter(user=buyer_user, kind="saved_search_hit").count() == 1


def test_unclaimed_firm_is_not_on_the_public_cluster_page(client, cluster, imported):
    # even if its membership were marked for listing, an unclaimed firm is not shown
    ClusterMembership.objects.filter(supplier=imported).update(listed_publicly=True)
    assert imported not in selectors.public_members(cluster=cluster)
    page = client.get(reverse("cluster-page", args=[cluster.slug]))
    assert "Hidden Knit Mills" not in page.content.decode()
    api = client.get(f"/api/v1/clusters/{cluster.pk}/")
    assert "Hidden Knit Mills" not in api.content.decode()


def test_claiming_makes_the_firm_its_own_visible_and_a_member(
    client,
    cluster,
    manager,
    imported,
    buyer_user,
    rebuild_search_index,
    django_capture_on_commit_callbacks,
):
    rebuild_search_index()
    request = open_request(buyer_user, django_capture_on_commit_callbacks)

    # when the firm accepts the invitation e-mailed to it
    user = claim(imported, django_capture_on_commit_callbacks)

    # then it owns a claimed profile, and is an active member of the cluster with its history
    imported.refresh_from_db()
    assert imported.claimed
    assert user.organisation == imported
    assert user.role == User.Role.OWNER
    assert ImportedFirm.objects.get(organisation=imported).claimed_at is not None
    membership = ClusterMembership.objects.get(cluster=cluster, supplier=imported)
    assert membership.status == ClusterMembership.Status.ACTIVE
    event = MembershipEvent.objects.filter(membership=membership).last()
    assert (event.from_status, event.to_status, event.actor) == ("invited", "active", user)
    assert Notification.objects.filter(user=manager, kind="cluster_import_claimed").exists()
    # and it is public, searchable and proposed (the claim's job indexed and matched it)
    assert client.get(reverse("organisation-profile", args=[imported.slug])).status_code == 200
    assert "Hidden Knit Mills" in search_names()
    assert Proposal.objects.filter(request=request, supplier=imported).exists()
    # listed on the cluster's page once the firm agrees to it
    cluster_services.membership_set_consent(
        membership=membership, actor=user, listed_publicly=True, share_contacts=False
    )
    assert imported in selectors.public_members(cluster=cluster)


def test_apply_queues_one_batch_of_invitations_and_no_job_per_row(
    cluster, manager, django_capture_on_commit_callbacks
):
    member_import = run_import(
        cluster,
        manager,
        csv_bytes([good_row(n) for n in range(1, 6)]),
        capture=django_capture_on_commit_callbacks,
    )
    with (
        mock.patch("clusters.tasks.send_claim_invitations_task.delay") as send,
        mock.patch("matching.tasks.supplier_profile_changed_task.delay") as profile_job,
        mock.patch("matching.tasks.refresh_supplier_in_index_task.delay") as index_job,
        mock.patch("matching.tasks.match_supplier_task.delay") as match_job,
    ):
        apply(member_import, manager, django_capture_on_commit_callbacks)

    send.assert_called_once()
    (ids,) = send.call_args.args
    assert sorted(ids) == sorted(Invitation.objects.values_list("pk", flat=True))
    assert len(ids) == 5
    # unclaimed firms are never matched: nothing is queued for them until they claim
    profile_job.assert_not_called()
    index_job.assert_not_called()
    match_job.assert_not_called()


def test_claim_queues_the_firms_matching_once_on_commit(
    imported, django_capture_on_commit_callbacks
):
    invitation = Invitation.objects.get(organisation=imported)
    with mock.patch("matching.tasks.supplier_profile_changed_task.delay") as profile_job:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            company_services.invitation_accept(token=invitation.token, password=TEST_PASSWORD)
        profile_job.assert_not_called()  # not before the claim commits
        for callback in callbacks:
            callback()
    profile_job.assert_called_once_with(imported.pk)


def test_a_buyer_cannot_invite_an_unclaimed_firm_to_a_request(
    api_as, imported, buyer_user, django_capture_on_commit_callbacks
):
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    response = api_as(buyer_user).post(
        f"/api/v1/requests/{request.pk}/invitations/", {"supplier_id": imported.pk}, format="json"
    )
    assert response.status_code == 400
    assert "supplier_id" in response.json()["errors"]
    assert not Proposal.objects.filter(supplier=imported).exists()


def test_claiming_an_imported_profile_from_its_emailed_link_confirms_the_address(
    imported, django_capture_on_commit_callbacks
):
    # The claim link went to the firm's address: following it proves the address.
    user = claim(imported, django_capture_on_commit_callbacks)

    assert user.is_email_confirmed
