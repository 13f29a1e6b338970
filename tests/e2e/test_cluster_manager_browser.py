"""In a real browser, a cluster manager runs the cluster from its pages: members
(invite, approve, suspend, reinstate), a CSV member import, a broadcast, a consortium
for an order no single member meets, and the analytics with their charts and CSV."""

import re

import pytest

from tests.e2e.conftest import (
    fit_the_index,
    load_codes_and_forget_the_index,
    log_in,
    nav_link,
    screenshot,
)

MANAGER_EMAIL = "priya@tea-knit.example"
CLUSTER_NAME = "Tiruppur Knitwear Cluster"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# STARTING DATA
# ------------------------------------------------------------------------------


def approved_cluster():
    """A cluster proposed by a cluster body's user and approved by staff, through the
    services; returns (cluster, manager)."""
    from clusters import services
    from tests.factories import ClusterBodyFactory, UserFactory

    body = ClusterBodyFactory(legal_name="Tiruppur Exporters' Association", slug="tea")
    manager = UserFactory(organisation=body, email=MANAGER_EMAIL, full_name="Priya Raman")
    staff = UserFactory(organisation=None, is_staff=True, email="staff@platform.example")
    cluster = services.cluster_propose(
        actor=manager,
        name=CLUSTER_NAME,
        country="IN",
        province="IN-TN",
        sector="1430",
        main_products=["610910"],
        description="Knitwear makers around Tiruppur.",
    )
    cluster = services.cluster_review(cluster=cluster, actor=staff, status="approved")
    return cluster, manager


def knitter(name: str, *, capacity: int = 20_000):
    """A registered SME making cotton T-shirts, with a login and a contact person."""
    from tests.factories import (
        ContactPersonFactory,
        ProductLineFactory,
        SupplierFactory,
        UserFactory,
    )

    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    firm = SupplierFactory(
        legal_name=name,
        slug=slug,
        country="IN",
        description="Knitted cotton T-shirts for export.",
    )
    firm.hs_codes.set(["610910"])
    ProductLineFactory(organisation=firm, hs_code_id="610910", monthly_capacity=capacity)
    ContactPersonFactory(organisation=firm, name=f"Sales of {name}", email=f"sales@{slug}.example")
    user = UserFactory(organisation=firm, email=f"owner@{slug}.example", full_name=f"Owner of {name}")
    return firm, user


def active_member(cluster, manager, name: str, *, capacity: int = 20_000):
    from clusters import services

    firm, user = knitter(name, capacity=capacity)
    membership = services.membership_apply(
        cluster=cluster, actor=user, listed_publicly=True, share_contacts=True
    )
    services.membership_approve(membership=membership, actor=manager)
    return firm, user


# PAGE STEPS
# ------------------------------------------------------------------------------


def open_dashboard(page, base_url: str):
    """From the main menu to the cluster's manager dashboard."""
    from playwright.sync_api import expect

    # a manager of one cluster goes straight to its dashboard
    nav_link(page, "My cluster").click()
    expect(page.get_by_text("Manager's dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(CLUSTER_NAME))).to_be_visible()


def member_row(page, name: str):
    return page.get_by_role("row", name=re.compile("^" + re.escape(name)))


# SCENARIOS
# ------------------------------------------------------------------------------


def test_manager_invites_approves_suspends_and_reinstates_members(live_server, browser_pages):
    from playwright.sync_api import expect

    from clusters.models import ClusterMembership

    # given: an approved cluster, two registered knitters not yet members
    load_codes_and_forget_the_index()
    approved_cluster()
    knitter("Knit One Exports")
    _, applicant = knitter("Noyyal Cotton Mills")
    page = browser_pages()
    log_in(page, live_server.url, MANAGER_EMAIL)

    # when: the manager opens the dashboard and invites a registered SME by name
    open_dashboard(page, live_server.url)
    expect(page.get_by_role("heading", name=re.compile(r"Approved"))).to_be_visible()
    screenshot(page, "manage-empty")
    invite = page.get_by_role("region", name="Invite an SME")
    invite.get_by_label("Registered SME").fill("Knit One Exports")
    invite.get_by_label("Message").fill("Join us for the spring orders.")
    invite.get_by_role("button", name="Send the invitation").click()

    # then: the invitation is listed, waiting for the firm
    expect(page.get_by_text("Invitation sent to Knit One Exports.")).to_be_visible()
    expect(member_row(page, "Knit One Exports")).to_contain_text("Withdraw invitation")

    # when: another SME applies from the cluster's public page, in its own browser
    sme_page = browser_pages()
    log_in(sme_page, live_server.url, applicant.email)
    nav_link(sme_page, "Clusters").click()
    sme_page.get_by_role("link", name=CLUSTER_NAME).click()
    sme_page.get_by_role("link", name="Apply to join").click()
    expect(sme_page.get_by_role("heading", name=f"Apply to join {CLUSTER_NAME}")).to_be_visible()
    sme_page.get_by_label("List our firm on the cluster's public page").check()
    sme_page.get_by_label("Let the cluster's managers see our contact people").check()
    sme_page.get_by_label("Message to the managers").fill("We knit 20,000 tees a month.")
    screenshot(sme_page, "apply")
    sme_page.get_by_role("button", name="Send the application").click()
    expect(sme_page.get_by_text(f"Application sent to the managers of {CLUSTER_NAME}.")).to_be_visible()

    # then: the manager sees the application with its message, and approves it
    page.reload()
    row = member_row(page, "Noyyal Cotton Mills")
    expect(row).to_contain_text("We knit 20,000 tees a month.")
    screenshot(page, "manage-application")
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile(r"Noyyal Cotton Mills: .*approved", re.I))).to_be_visible()
    row = member_row(page, "Noyyal Cotton Mills")
    expect(row).to_contain_text("sales@noyyal-cotton-mills.example")
    expect(row.get_by_role("button", name="Suspend")).to_be_visible()

    # when: the manager suspends the member
    row.get_by_role("button", name="Suspend").click()

    # then: it is among the suspended, and can be reinstated
    expect(page.get_by_text(re.compile(r"Noyyal Cotton Mills: .*suspended", re.I))).to_be_visible()
    row = member_row(page, "Noyyal Cotton Mills")
    expect(row.get_by_role("button", name="Reinstate")).to_be_visible()
    row.get_by_role("button", name="Reinstate").click()
    expect(page.get_by_text(re.compile(r"Noyyal Cotton Mills: .*reinstated", re.I))).to_be_visible()
    expect(member_row(page, "Noyyal Cotton Mills").get_by_role("button", name="Suspend")).to_be_visible()

    # and: the history tells who did what
    history = page.locator("table").last
    expect(history).to_contain_text("Suspended → Member")
    expect(history).to_contain_text(MANAGER_EMAIL)
    screenshot(page, "manage-members")
    membership = ClusterMembership.objects.get(supplier__legal_name="Noyyal Cotton Mills")
    assert membership.status == ClusterMembership.Status.ACTIVE

    # and: the SME sees its membership on "My clusters"
    nav_link(sme_page, "My clusters").click()
    expect(sme_page.get_by_role("heading", name=re.compile(CLUSTER_NAME))).to_contain_text("Member")
    screenshot(sme_page, "my-clusters")
