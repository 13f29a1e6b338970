"""Cluster analytics against figures computed by hand on a small cluster: members by sector
and country, certification gaps, proposals and linkages per month, near-misses by missing
certification; charts and CSV downloads; managers of the cluster and staff only."""

import copy
import csv
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from clusters import services
from companies.models import Certification, Organisation
from matching.models import NearMiss, Proposal, SourcingRequest
from tests.built_once import built_once
from tests.factories import (
    BuyerUserFactory,
    CertificationFactory,
    ClusterBodyUserFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    ProposalFactory,
    SourcingRequestFactory,
    SupplierFactory,
    UserFactory,
)
from workspaces import selectors as workspaces_selectors
from workspaces.charts import Series, bar_chart, line_chart

pytestmark = pytest.mark.django_db


def join(cluster, manager, name, *, country, activities=(), certifications=()):
    firm = SupplierFactory(legal_name=name, country=country)
    firm.isic_codes.set(activities)
    for scheme, kind in certifications:
        fields = {"organisation": firm, "scheme_id": scheme}
        if kind == "expired":
            fields["valid_until"] = timezone.localdate() - timedelta(days=1)
        if kind == "rejected":
            fields["status"] = Certification.Status.REJECTED
        CertificationFactory(**fields)
    user = UserFactory(organisation=firm)
    membership = ClusterMembershipFactory(cluster=cluster, applicant=user, approver=manager)
    return firm, membership


def proposal(request, supplier, *, created, status="pending", buyer_at=None, supplier_at=None):
    made = ProposalFactory(
        request=request,
        supplier=supplier,
        status=status,
        buyer_decided_at=buyer_at,
        supplier_decided_at=supplier_at,
    )
    Proposal.objects.filter(pk=made.pk).update(created_at=created)
    return made


def build_world(cluster, manager, buyer_user):
    """Four active members (and one suspended), three requests, two months of matching.

    ======  =======  ==========  =========================================
    member  country  divisions   valid certifications
    ======  =======  ==========  =========================================
    =cmd()  IN       14          ISO 9001, OEKO-TEX
    B Knit  IN       13, 14      ISO 9001 (its GOTS expired)
    C Dye   BD       20          none (its ISO 9001 was rejected)
    D New   VN       —           none
    ======  =======  ==========  =========================================
    """
    now = timezone.now()
    last_month = now.replace(day=1) - timedelta(days=1)
    long_ago = now - timedelta(days=430)
    m1, _ = join(
        cluster,
        manager,
        "=cmd()",
        country="IN",
        activities=["1430", "1410"],
        certifications=[("iso-9001", "valid"), ("oeko-tex", "valid")],
    )
    m2, _ = join(
        cluster,
        manager,
        "B Knit",
        country="IN",
        activities=["1430", "1311"],
        certifications=[("iso-9001", "valid"), ("gots", "expired")],
    )
    m3, _ = join(
        cluster,
        manager,
        "C Dye",
        country="BD",
        activities=["2012"],
        certifications=[("iso-9001", "rejected")],
    )
    m4, _ = join(cluster, manager, "D New", country="VN")
    m5, suspended = join(
        cluster,
        manager,
        "E Suspended",
        country="IN",
        activities=["1430"],
        certifications=[("oeko-tex", "valid"), ("gots", "valid")],
    )
    services.membership_suspend(membership=suspended, actor=manager)

    r1 = SourcingRequestFactory(
        created_by=buyer_user, title="Polo shirts", required_certifications=["iso-9001", "oeko-tex"]
    )
    r2 = SourcingRequestFactory(
        created_by=buyer_user, title="Organic tees", required_certifications=["oeko-tex", "gots"]
    )
    r3 = SourcingRequestFactory(
        created_by=buyer_user, title="Baby wear", required_certifications=["oeko-tex"]
    )
    # Not considered: a draft, a confidential request the manager cannot see, an old one.
    SourcingRequestFactory(
        created_by=buyer_user, title="Draft", required_certifications=["sa8000"], opened=False
    )
    SourcingRequestFactory(
        created_by=buyer_user,
        title="Secret",
        required_certifications=["iso-13485"],
        visibility="confidential",
    )
    old = SourcingRequestFactory(
        created_by=buyer_user, title="Old order", required_certifications=["wrap"]
    )
    SourcingRequest.objects.filter(pk=old.pk).update(
        status=SourcingRequest.Status.CLOSED, opened_at=long_ago
    )

    linked = Proposal.Status.LINKED
    # Last month: two proposals; the first became a linkage this month.
    proposal(r1, m1, created=last_month, status=linked, buyer_at=last_month, supplier_at=now)
    proposal(r1, m2, created=last_month)
    # This month: two proposals, one linkage.
    proposal(r2, m1, created=now, status=linked, buyer_at=now, supplier_at=now)
    proposal(r3, m3, created=now, status="declined")
    # Not counted: a suspended member's linkage, a proposal outside the twelve months.
    proposal(r1, m5, created=now, status=linked, buyer_at=now, supplier_at=now)
    proposal(r3, m2, created=long_ago, status=linked, buyer_at=long_ago, supplier_at=long_ago)

    NearMiss.objects.create(request=r2, supplier=m1, missing_certifications=["gots"])
    NearMiss.objects.create(request=r2, supplier=m2, missing_certifications=["gots", "oeko-tex"])
    NearMiss.objects.create(
        request=r1, supplier=m4, missing_certifications=["iso-9001", "oeko-tex"]
    )
    NearMiss.objects.create(request=r3, supplier=m4, missing_certifications=["oeko-tex"])
    NearMiss.objects.create(request=r3, supplier=m3, reasons=["unit differs"])
    NearMiss.objects.create(request=r2, supplier=m5, missing_certifications=["gots"])
    return {"m1": m1, "m2": m2, "m3": m3, "m4": m4, "now": now, "last_month": last_month}


@pytest.fixture(scope="module")
def world_once(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict]:
    # Built once: the tests read the figures, or add rows only inside their own rollback.
    with built_once(django_db_blocker):
        manager = ClusterBodyUserFactory()
        cluster = ClusterFactory(proposed_by=manager)
        world = build_world(cluster, manager, BuyerUserFactory())
        yield {"cluster": cluster, "manager": manager, "world": world}


@pytest.fixture
def shared(world_once: dict, db: None) -> dict:
    return copy.deepcopy(world_once)


@pytest.fixture
def cluster(shared):
    """The module's cluster: the members and matching of ``build_world``."""
    return shared["cluster"]


@pytest.fixture
def manager(shared):
    return shared["manager"]


@pytest.fixture
def world(shared):
    return shared["world"]


def figures(manager, cluster):
    return workspaces_selectors.cluster_analytics(user=manager, cluster=cluster)


# FIGURES
# ------------------------------------------------------------------------------


def test_members_by_sector_count_each_division_once_per_member(world, manager, cluster):
    sectors = [(r.code, r.members) for r in figures(manager, cluster).sectors]

    assert sectors == [("14", 2), ("13", 1), ("20", 1), ("", 1)]


def test_members_by_country(world, manager, cluster):
    countries = [(r.code, r.label, r.members) for r in figures(manager, cluster).countries]

    assert countries == [("IN", "India", 2), ("BD", "Bangladesh", 1), ("VN", "Viet Nam", 1)]


def test_certification_gaps_set_demand_against_valid_holdings(world, manager, cluster):
    analytics = figures(manager, cluster)

    # 3 requests considered; 4 members.
    assert analytics.requests_considered == 3
    assert analytics.member_count == 4
    gaps = [
        (g.scheme, g.requests_asking, g.ask_share, g.holders, g.hold_share, g.gap)
        for g in analytics.certification_gaps
    ]
    assert gaps == [
        ("oeko-tex", 3, 1.0, 1, 0.25, 0.75),
        ("gots", 1, 0.3333, 0, 0.0, 0.3333),
        ("iso-9001", 1, 0.3333, 2, 0.5, -0.1667),
    ]


def test_staff_figures_include_requests_only_staff_see(world, staff_user, cluster):
    analytics = workspaces_selectors.cluster_analytics(user=staff_user, cluster=cluster)

    assert analytics.requests_considered == 4
    assert "iso-13485" in {g.scheme for g in analytics.certification_gaps}


def test_proposals_and_linkages_per_month(world, manager, cluster):
    activity = figures(manager, cluster).activity

    assert len(activity) == 12
    assert activity[-1].month == f"{world['now']:%Y-%m}"
    assert activity[-2].month == f"{world['last_month']:%Y-%m}"
    assert [(m.proposals, m.linkages) for m in activity[-2:]] == [(2, 0), (2, 2)]
    assert sum(m.proposals + m.linkages for m in activity[:-2]) == 0


def test_near_misses_by_missing_certification(world, manager, cluster):
    rows = [(r.scheme, r.near_misses, r.members) for r in figures(manager, cluster).near_misses]

    assert rows == [("oeko-tex", 3, 2), ("gots", 2, 2), ("iso-9001", 1, 1)]


def test_near_misses_on_a_confidential_request_the_manager_cannot_see_are_not_counted(
    world, manager, cluster, staff_user
):
    secret = SourcingRequestFactory(
        created_by=BuyerUserFactory(),
        title="Secret implants",
        required_certifications=["iso-13485"],
        visibility="confidential",
    )
    NearMiss.objects.create(
        request=secret, supplier=world["m4"], missing_certifications=["iso-13485"]
    )

    analytics = figures(manager, cluster)
    rows = [(r.scheme, r.near_misses, r.members) for r in analytics.near_misses]
    assert rows == [("oeko-tex", 3, 2), ("gots", 2, 2), ("iso-9001", 1, 1)]
    assert {m.name: m.near_misses for m in analytics.members}["D New"] == 2
    seen_by_staff = workspaces_selectors.cluster_analytics(user=staff_user, cluster=cluster)
    assert ("iso-13485", 1, 1) in [
        (r.scheme, r.near_misses, r.members) for r in seen_by_staff.near_misses
    ]


def test_each_members_figures(world, manager, cluster):
    members = {m.name: m for m in figures(manager, cluster).members}

    assert sorted(members) == ["=cmd()", "B Knit", "C Dye", "D New"]
    first = members["=cmd()"]
    assert (first.sectors, first.certifications) == (["14"], ["ISO 9001", "OEKO-TEX"])
    assert (first.proposals, first.linkages, first.near_misses) == (2, 2, 1)
    assert (members["D New"].proposals, members["D New"].near_misses) == (0, 2)


def test_a_cluster_without_members_has_empty_figures(manager):
    empty = ClusterFactory(proposed_by=manager, name="Empty Knitwear Cluster")

    analytics = figures(manager, empty)

    assert analytics.member_count == 0
    assert analytics.sectors == analytics.countries == analytics.near_misses == []
    assert [m.proposals for m in analytics.activity] == [0] * 12


# PAGE, CHARTS AND CSV
# ------------------------------------------------------------------------------


def test_the_page_shows_charts_and_tables(client, world, manager, cluster):
    client.force_login(manager)

    response = client.get(reverse("cluster-analytics", kwargs={"slug": cluster.slug}))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 5
    assert 'data-series="Proposals"' in page
    assert 'data-series="Linkages"' in page
    assert "Members by sector (ISIC division)" in page
    assert "Manufacture of wearing apparel" in page
    assert "75 pts" in page  # the OEKO-TEX gap, drawn
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    for table in ("sectors", "countries", "certifications", "activity", "near-misses"):
        assert reverse("cluster-analytics-csv", kwargs={"slug": cluster.slug, "table": table}) in (
            page
        )


def read_csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_members_csv_neutralises_a_formula_name(client, world, manager, cluster):
    client.force_login(manager)

    response = client.get(
        reverse("cluster-analytics-csv", kwargs={"slug": cluster.slug, "table": "members"})
    )

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][0] == "member"
    assert rows[1][:2] == ["'=cmd()", "IN"]
    assert ["=cmd()"] not in [row[:1] for row in rows]


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("sectors", [["14", "Manufacture of wearing apparel", "2"]]),
        ("countries", [["IN", "India", "2"]]),
        ("certifications", [["oeko-tex", "OEKO-TEX", "3", "100.0", "1", "25.0", "75.0"]]),
        ("near-misses", [["oeko-tex", "OEKO-TEX", "3", "2"]]),
    ],
)
def test_each_table_downloads_as_csv(client, world, manager, cluster, table, expected):
    client.force_login(manager)

    response = client.get(
        reverse("cluster-analytics-csv", kwargs={"slug": cluster.slug, "table": table})
    )

    assert response.status_code == 200
    assert read_csv(response)[1:2] == expected


def test_the_activity_csv_has_one_row_per_month(client, world, manager, cluster):
    client.force_login(manager)

    rows = read_csv(
        client.get(
            reverse("cluster-analytics-csv", kwargs={"slug": cluster.slug, "table": "activity"})
        )
    )

    assert rows[0] == ["month", "proposals", "linkages"]
    assert len(rows) == 13
    assert rows[-1] == [f"{world['now']:%Y-%m}", "2", "2"]


def test_an_unknown_table_is_404(client, manager, cluster):
    client.force_login(manager)

    url = reverse("cluster-analytics-csv", kwargs={"slug": cluster.slug, "table": "secrets"})
    assert client.get(url).status_code == 404


def test_the_api_returns_the_same_figures(api_as, world, manager, cluster):
    response = api_as(manager).get(f"/api/v1/clusters/{cluster.pk}/analytics/")

    data = response.json()
    assert response.status_code == 200
    assert data["member_count"] == 4
    assert [(r["code"], r["members"]) for r in data["sectors"]] == [
        ("14", 2),
        ("13", 1),
        ("20", 1),
        ("", 1),
    ]
    assert data["certification_gaps"][0] == {
        "scheme": "oeko-tex",
        "name": "OEKO-TEX",
        "requests_asking": 3,
        "ask_share": 1.0,
        "holders": 1,
        "hold_share": 0.25,
        "gap": 0.75,
    }
    assert [(m["proposals"], m["linkages"]) for m in data["activity"][-2:]] == [(2, 0), (2, 2)]
    assert data["near_misses"][0] == {
        "scheme": "oeko-tex",
        "name": "OEKO-TEX",
        "near_misses": 3,
        "members": 2,
    }


# ACCESS
# ------------------------------------------------------------------------------


def analytics_urls(cluster):
    return [
        reverse("cluster-analytics", kwargs={"slug": cluster.slug}),
        reverse("cluster-analytics-csv", kwargs={"slug": cluster.slug, "table": "members"}),
        reverse("cluster-analytics-csv", kwargs={"slug": cluster.slug, "table": "sectors"}),
    ]


def test_a_manager_of_another_cluster_and_a_member_get_404(
    client, api_as, world, cluster, other_manager, other_cluster
):
    member_user = UserFactory(organisation=Organisation.objects.get(legal_name="B Knit"))
    for user in (other_manager, member_user):
        client.force_login(user)
        for url in analytics_urls(cluster):
            assert client.get(url).status_code == 404, url
        assert api_as(user).get(f"/api/v1/clusters/{cluster.pk}/analytics/").status_code == 404
    # The other manager's own cluster is theirs to see.
    client.force_login(other_manager)
    assert client.get(analytics_urls(other_cluster)[0]).status_code == 200


def test_staff_see_any_clusters_analytics(client, api_as, world, cluster, staff_user):
    client.force_login(staff_user)

    for url in analytics_urls(cluster):
        assert client.get(url).status_code == 200, url
    assert api_as(staff_user).get(f"/api/v1/clusters/{cluster.pk}/analytics/").status_code == 200


def test_the_public_page_links_analytics_for_staff_and_managers_only(
    client, cluster, manager, staff_user, sme_user
):
    url = reverse("cluster-analytics", kwargs={"slug": cluster.slug})
    public_page = reverse("cluster-page", kwargs={"slug": cluster.slug})
    for user, shown in ((staff_user, True), (manager, True), (sme_user, False)):
        client.force_login(user)
        assert (url in client.get(public_page).content.decode()) is shown


def test_anonymous_visitors_are_sent_to_log_in(client, api_client, cluster):
    response = client.get(analytics_urls(cluster)[0])

    assert response.status_code == 302
    assert api_client.get(f"/api/v1/clusters/{cluster.pk}/analytics/").status_code in (401, 403)


def test_an_unknown_cluster_is_404(api_as, manager):
    assert api_as(manager).get("/api/v1/clusters/999999/analytics/").status_code == 404


# CHARTS
# ------------------------------------------------------------------------------


def test_chart_labels_are_escaped():
    svg = bar_chart([("<script>alert(1)</script>", 3)], title="Members & more")
    line = line_chart(["Jan"], [Series("<b>", [1])], title="t")

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "Members &amp; more" in svg
    assert "<b>" not in line


def test_a_bar_is_as_long_as_its_share_of_the_longest():
    svg = bar_chart([("a", 4), ("b", 2)], title="t", width=640)

    # The plot is 640 - 250 - 70 = 320 wide: the longest bar fills it, the other half.
    assert 'width="320.0"' in svg
    assert 'width="160.0"' in svg
