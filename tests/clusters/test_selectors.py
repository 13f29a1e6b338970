"""What the public page and the managers see: listed members, pooled capabilities,
linkages, contacts only where agreed, and the requests and proposals of members."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clusters import selectors, services
from companies.models import Organisation
from tests.factories import (
    CertificationFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    ContactPersonFactory,
    ProductLineFactory,
    ProposalFactory,
    SourcingRequestFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def join(cluster, manager, *, name, listed=True, share=False):
    supplier = SupplierFactory(legal_name=name, country="IN")
    user = UserFactory(organisation=supplier)
    membership = ClusterMembershipFactory(
        cluster=cluster,
        applicant=user,
        approver=manager,
        listed_publicly=listed,
        share_contacts=share,
    )
    return supplier, user, membership


@pytest.fixture
def knitters(cluster, manager):
    """Three listed members, one unlisted, one that only applied.

    A: lines 610910 20,000 + 5,000 pieces; lists 610910; ISO 9001 and OEKO-TEX.
    B: lines 610910 10,000 pieces and 300 kg; ISO 9001 (valid) and GOTS (expired).
    C: lists 620520 only; OEKO-TEX rejected by staff.
    D (unlisted): 610910 99,999 pieces, ISO 9001; E (applied only): 610910 77,777 pieces.
    """
    a, _, _ = join(cluster, manager, name="A Knit")
    b, _, _ = join(cluster, manager, name="B Knit")
    c, _, _ = join(cluster, manager, name="C Shirts")
    d, _, _ = join(cluster, manager, name="D Hidden", listed=False)
    e = SupplierFactory(legal_name="E Applicant")
    services.membership_apply(
        cluster=cluster, actor=UserFactory(organisation=e), listed_publicly=True
    )
    ProductLineFactory(organisation=a, hs_code_id="610910", monthly_capacity=20000, unit="pieces")
    ProductLineFactory(organisation=a, hs_code_id="610910", monthly_capacity=5000, unit="pieces")
    a.hs_codes.add("610910")
    ProductLineFactory(organisation=b, hs_code_id="610910", monthly_capacity=10000, unit="pieces")
    ProductLineFactory(organisation=b, hs_code_id="610910", monthly_capacity=300, unit="kg")
    c.hs_codes.add("620520")
    ProductLineFactory(organisation=d, hs_code_id="610910", monthly_capacity=99999, unit="pieces")
    ProductLineFactory(organisation=e, hs_code_id="610910", monthly_capacity=77777, unit="pieces")
    from companies.models import CertificationScheme

    def cert(org, code, **kw):
        CertificationFactory(
            organisation=org, scheme=CertificationScheme.objects.get(code=code), **kw
        )

    cert(a, "iso-9001")
    cert(a, "oeko-tex")
    cert(b, "iso-9001")
    cert(b, "gots", valid_until=timezone.localdate() - timedelta(days=1))
    cert(c, "oeko-tex", status="rejected")
    cert(d, "iso-9001")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_public_members_are_the_listed_active_ones(cluster, knitters):
    names = [o.legal_name for o in selectors.public_members(cluster=cluster)]

    assert names == ["A Knit", "B Knit", "C Shirts"]


def test_public_product_figures_match_the_hand_count(cluster, knitters):
    capabilities = selectors.cluster_public_capabilities(cluster=cluster)

    products = {
        p.hs_code: (p.member_count, {c.unit: c.total for c in p.capacities})
        for p in capabilities.products
    }
    assert capabilities.member_count == 3
    assert products == {
        "610910": (2, {"pieces": 35000, "kg": 300}),
        "620520": (1, {}),
    }


def test_public_certification_figures_count_only_valid_certificates(cluster, knitters):
    capabilities = selectors.cluster_public_capabilities(cluster=cluster)

    assert {c.scheme: c.member_count for c in capabilities.certifications} == {
        "iso-9001": 2,
        "oeko-tex": 1,
    }


def test_a_suspended_member_leaves_the_public_page(cluster, manager, knitters):
    membership = knitters["a"].cluster_memberships.get()
    services.membership_suspend(membership=membership, actor=manager)

    names = [o.legal_name for o in selectors.public_members(cluster=cluster)]

    assert "A Knit" not in names


def test_the_public_list_has_only_approved_clusters(cluster, manager, staff_user):
    ClusterFactory(proposed_by=manager, name="Still in review", status="proposed")

    assert [c.name for c in selectors.cluster_public_list()] == [cluster.name]


def test_a_cluster_in_review_is_hidden_from_the_public(manager, staff_user, sme_user):
    from django.contrib.auth.models import AnonymousUser

    proposed = ClusterFactory(proposed_by=manager, name="In review", status="proposed")

    assert selectors.cluster_get_visible(user=AnonymousUser(), slug=proposed.slug) is None
    assert selectors.cluster_get_visible(user=sme_user, slug=proposed.slug) is None
    assert selectors.cluster_get_visible(user=manager, slug=proposed.slug) == proposed


# CONTACT PEOPLE
# ------------------------------------------------------------------------------


def test_managers_see_contacts_only_of_members_who_agreed(cluster, manager):
    sharing, _, _ = join(cluster, manager, name="Sharing", share=True)
    private, _, _ = join(cluster, manager, name="Private", share=False)
    ContactPersonFactory(organisation=sharing, name="Priya Shared")
    ContactPersonFactory(organisation=private, name="Ravi Private")

    memberships = list(selectors.members_for_manager(user=manager, cluster=cluster))
    contacts = selectors.contacts_shared_with_managers(memberships=memberships)

    names = {c.name for people in contacts.values() for c in people}
    assert names == {"Priya Shared"}


def test_another_manager_gets_no_member_list(cluster, other_manager, member):
    assert not selectors.members_for_manager(user=other_manager, cluster=cluster).exists()


# LINKAGES AND WHAT MANAGERS SEE OF THEIR MEMBERS' MATCHING
# ------------------------------------------------------------------------------


def test_public_linkages_hide_confidential_requests(cluster, knitters, buyer_user):
    public = SourcingRequestFactory(created_by=buyer_user, title="Organic T-shirts")
    secret = SourcingRequestFactory(
        created_by=buyer_user, title="Secret launch", visibility="confidential"
    )
    ProposalFactory(request=public, supplier=knitters["a"], status="linked")
    ProposalFactory(request=secret, supplier=knitters["b"], status="linked")
    ProposalFactory(request=public, supplier=knitters["d"], status="linked")
    ProposalFactory(request=public, supplier=knitters["c"], status="pending")

    linkages = {
        link.supplier_name: (link.buyer_name, link.request_title)
        for link in selectors.cluster_public_linkages(cluster=cluster)
    }

    assert linkages == {
        "A Knit": (buyer_user.organisation.legal_name, "Organic T-shirts"),
        "B Knit": ("", ""),
    }


@pytest.fixture
def member_proposal(member, buyer_user):
    secret = SourcingRequestFactory(
        created_by=buyer_user, title="Secret launch", visibility="confidential"
    )
    return ProposalFactory(request=secret, supplier=member.supplier)


def test_a_manager_sees_a_members_proposal_and_its_confidential_request(
    client, manager, member_proposal
):
    client.force_login(manager)

    proposal_page = client.get(f"/proposals/{member_proposal.pk}/")
    request_page = client.get(f"/requests/{member_proposal.request_id}/")

    assert proposal_page.status_code == 200
    assert request_page.status_code == 200
    assert "Secret launch" in request_page.content.decode()


def test_a_manager_sees_them_through_the_api_too(api_as, manager, member_proposal):
    api = api_as(manager)

    assert api.get(f"/api/v1/proposals/{member_proposal.pk}/").status_code == 200
    assert api.get(f"/api/v1/requests/{member_proposal.request_id}/").status_code == 200


@pytest.mark.parametrize("path", ["/proposals/{p}/", "/requests/{r}/"])
def test_a_manager_of_another_cluster_gets_404_pages(
    client, other_manager, other_cluster, member_proposal, path
):
    client.force_login(other_manager)

    response = client.get(path.format(p=member_proposal.pk, r=member_proposal.request_id))

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/proposals/{p}/", "/api/v1/requests/{r}/"])
def test_a_manager_of_another_cluster_gets_404_api(
    api_as, other_manager, other_cluster, member_proposal, path
):
    response = api_as(other_manager).get(
        path.format(p=member_proposal.pk, r=member_proposal.request_id)
    )

    assert response.status_code == 404


def test_a_manager_stops_seeing_a_member_that_left(
    client, manager, member, member_proposal, sme_user
):
    services.membership_leave(membership=member, actor=sme_user)
    client.force_login(manager)

    assert client.get(f"/proposals/{member_proposal.pk}/").status_code == 404


def test_managers_see_an_applicants_proposals_only_once_approved(cluster, manager, buyer_user):
    applicant = SupplierFactory(legal_name="Applicant")
    services.membership_apply(cluster=cluster, actor=UserFactory(organisation=applicant))

    from matching.selectors import suppliers_of_managed_clusters

    assert applicant.pk not in suppliers_of_managed_clusters(user=manager)
    assert Organisation.objects.filter(pk=applicant.pk).exists()
