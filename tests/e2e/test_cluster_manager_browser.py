"""In a real browser, a cluster manager runs the cluster from its pages: members
(invite, approve, suspend, reinstate), a CSV member import, a broadcast, a consortium
for an order no single member meets, and the analytics with their charts and CSV."""

import re
from pathlib import Path

import pytest

from consortia import services as consortia_services
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
    user = UserFactory(
        organisation=firm, email=f"owner@{slug}.example", full_name=f"Owner of {name}"
    )
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
    expect(sme_page.get_by_role("heading", name=CLUSTER_NAME)).to_be_visible()
    screenshot(sme_page, "cluster-page")
    sme_page.get_by_role("link", name="Apply to join").click()
    expect(sme_page.get_by_role("heading", name=f"Apply to join {CLUSTER_NAME}")).to_be_visible()
    sme_page.get_by_label("List our firm on the cluster's public page").check()
    sme_page.get_by_label("Let the cluster's managers see our contact people").check()
    sme_page.get_by_label("Message to the managers").fill("We knit 20,000 tees a month.")
    screenshot(sme_page, "apply")
    sme_page.get_by_role("button", name="Send the application").click()
    sent = sme_page.get_by_text(f"Application sent to the managers of {CLUSTER_NAME}.")
    expect(sent).to_be_visible()

    # then: the manager sees the application with its message, and approves it
    page.reload()
    row = member_row(page, "Noyyal Cotton Mills")
    expect(row).to_contain_text("We knit 20,000 tees a month.")
    screenshot(page, "manage-application")
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile(r"Noyyal Cotton Mills: .*approved", re.I))).to_be_visible()
    row = member_row(page, "Noyyal Cotton Mills")
    expect(row).to_contain_text("sales@noyyal-cotton-mills.example")
    suspend = row.locator("summary", has_text="Suspend…")
    expect(suspend).to_be_visible()

    # when: the manager suspends the member, with a reason the firm is told
    suspend.click()
    opened = row.locator("details[open]")
    opened.get_by_label("Reason, told to the firm (optional)").fill("Audit overdue since March.")
    screenshot(page, "manage-suspend")
    opened.get_by_role("button", name="Suspend", exact=True).click()

    # then: it is among the suspended, and can be reinstated
    expect(page.get_by_text(re.compile(r"Noyyal Cotton Mills: .*suspended", re.I))).to_be_visible()
    row = member_row(page, "Noyyal Cotton Mills")
    expect(row.get_by_role("button", name="Reinstate")).to_be_visible()
    row.get_by_role("button", name="Reinstate").click()
    expect(page.get_by_text(re.compile(r"Noyyal Cotton Mills: .*reinstated", re.I))).to_be_visible()
    row = member_row(page, "Noyyal Cotton Mills")
    expect(row.locator("summary", has_text="Suspend…")).to_be_visible()

    # and: the history tells who did what
    history = page.locator("table").last
    expect(history).to_contain_text("Suspended → Member")
    expect(history.get_by_role("row", name=re.compile("Member → Suspended"))).to_contain_text(
        "Audit overdue since March."
    )
    expect(history).to_contain_text(MANAGER_EMAIL)
    screenshot(page, "manage-members")
    membership = ClusterMembership.objects.get(supplier__legal_name="Noyyal Cotton Mills")
    assert membership.status == ClusterMembership.Status.ACTIVE

    # and: the SME sees its membership on "My clusters"
    nav_link(sme_page, "My clusters").click()
    expect(sme_page.get_by_role("heading", name=re.compile(CLUSTER_NAME))).to_contain_text("Member")
    sme_page.locator("summary", has_text="Leave the cluster…").click()
    expect(sme_page.get_by_label("Reason, told to the managers (optional)")).to_be_visible()
    screenshot(sme_page, "my-clusters")


MEMBER_LIST = (
    "email,legal_name,country,province,city,hs_codes,capacity_hs_code,monthly_capacity,unit\n"
    "sales@kongu-knit.example,Kongu Knit Fabs,IN,IN-TN,Tiruppur,610910,610910,12000,pieces\n"
    "not-an-email,Broken Row Textiles,IN,IN-TN,Tiruppur,610910,,,\n"
).encode("utf-8-sig")


def test_manager_imports_a_member_list_with_a_dry_run_then_applies_it(live_server, browser_pages):
    from playwright.sync_api import expect

    from companies.models import Organisation

    # given: an approved cluster and its manager on the dashboard
    load_codes_and_forget_the_index()
    approved_cluster()
    page = browser_pages()
    log_in(page, live_server.url, MANAGER_EMAIL)
    open_dashboard(page, live_server.url)

    # when: the manager uploads a member list of one good and one bad row, as a dry run
    page.get_by_role("link", name="Import members (CSV)").click()
    expect(page.get_by_role("heading", name="Import members from a CSV file")).to_be_visible()
    expect(page.get_by_role("link", name="Download the template (CSV)")).to_be_visible()
    expect(page.get_by_text("No import yet.")).to_be_visible()
    screenshot(page, "imports-empty")
    page.get_by_label("Member list (CSV)").set_input_files(
        {"name": "tiruppur-members.csv", "mimeType": "text/csv", "buffer": MEMBER_LIST}
    )
    expect(page.get_by_label(re.compile(r"Check the file first \(dry run\)"))).to_be_checked()
    page.get_by_role("button", name="Upload").click()

    # then: the dry-run report shows, row by row, what would be done and why not
    heading = page.get_by_role("heading", name=re.compile("tiruppur-members.csv"))
    expect(heading).to_contain_text("Checked")
    expect(
        page.get_by_text("This is a dry run: nothing is changed until you apply it.")
    ).to_be_visible()
    good = page.get_by_role("row", name=re.compile(r"^2 sales@kongu-knit\.example"))
    expect(good).to_contain_text("Kongu Knit Fabs")
    expect(good).to_contain_text("Create")
    bad = page.get_by_role("row", name=re.compile(r"^3 "))
    expect(bad).to_contain_text("Rejected")
    expect(bad).to_contain_text(re.compile(r"e-mail", re.I))
    screenshot(page, "import-dry-run")
    assert not Organisation.objects.filter(legal_name="Kongu Knit Fabs").exists()

    # when: the manager applies it
    page.get_by_role("button", name="Apply: create 1, update 0").click()

    # then: the good row is created, the bad one left out, and the firm is yet to claim it
    expect(page.get_by_text("Import applied: 1 firm(s) created, 0 updated.")).to_be_visible()
    expect(heading).to_contain_text("Applied")
    expect(good).to_contain_text("Created")
    expect(
        page.get_by_text("Each new firm was e-mailed an invitation to claim its profile.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Created 1")).to_be_visible()
    expect(page.get_by_role("link", name="Rejected 1")).to_be_visible()
    screenshot(page, "import-applied")
    firm = Organisation.objects.get(legal_name="Kongu Knit Fabs")
    assert not firm.claimed

    # and: the dashboard lists the imported firm as invited, not claimed yet
    page.get_by_role("link", name=CLUSTER_NAME).click()
    row = member_row(page, "Kongu Knit Fabs")
    expect(row).to_contain_text("imported, not claimed yet")
    # and: the import is among the past imports
    page.get_by_role("link", name="Import members (CSV)").click()
    past = page.get_by_role("row", name=re.compile(r"^tiruppur-members\.csv"))
    expect(past).to_contain_text("Applied")
    screenshot(page, "imports-past")


SUBJECT = "Buyers' fair in Chennai, 12 March"


def test_manager_broadcasts_to_all_members_and_a_member_reads_it(live_server, browser_pages):
    from playwright.sync_api import expect

    # given: an approved cluster with two active members
    load_codes_and_forget_the_index()
    cluster, manager = approved_cluster()
    _, member_user = active_member(cluster, manager, "Kongu Knit Fabs")
    active_member(cluster, manager, "Noyyal Cotton Mills")
    page = browser_pages()
    log_in(page, live_server.url, MANAGER_EMAIL)
    open_dashboard(page, live_server.url)

    # when: the manager writes a message to all active members
    page.get_by_role("link", name="Broadcasts").click()
    expect(page.get_by_role("heading", name="Broadcasts")).to_be_visible()
    expect(page.get_by_text("No broadcast yet.")).to_be_visible()
    screenshot(page, "broadcasts-empty")
    page.get_by_role("link", name="New broadcast").click()
    page.get_by_label("Subject").fill("Buyers' fair in Chennai, 12 March")
    page.get_by_label("Message", exact=True).fill("Bring samples of your organic cotton tees.")
    page.get_by_label("All active members").check()
    screenshot(page, "broadcast-form")
    page.get_by_role("button", name="Send the broadcast").click()

    # then: its page shows it went to both members, none has read it yet
    expect(page.get_by_text(f"Broadcast “{SUBJECT}” is on its way.")).to_be_visible()
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    recipients = page.get_by_role("heading", name=re.compile(r"Recipients"))
    expect(recipients).to_contain_text("0 of 2 read")
    expect(page.get_by_role("row", name=re.compile(r"^Kongu Knit Fabs"))).to_contain_text("not yet")
    screenshot(page, "broadcast-sent")

    # when: a member opens the messages from its clusters
    member_page = browser_pages()
    log_in(member_page, live_server.url, member_user.email)
    nav_link(member_page, "My clusters").click()
    member_page.get_by_role("link", name="Messages from your clusters").click()

    # then: the message is there, new, and opens with its text
    message = member_page.locator("li.result", has_text="Buyers' fair in Chennai, 12 March")
    expect(message).to_contain_text("New")
    expect(message).to_contain_text(CLUSTER_NAME)
    screenshot(member_page, "my-broadcasts")
    message.get_by_role("link", name="Buyers' fair in Chennai, 12 March").click()
    expect(member_page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(member_page.get_by_text("Bring samples of your organic cotton tees.")).to_be_visible()

    # and: the manager's list shows it was sent to all, and read by one member
    page.get_by_role("link", name=re.compile(r"broadcasts", re.I)).first.click()
    sent = page.get_by_role("row", name=re.compile(r"Buyers' fair in Chennai"))
    expect(sent).to_contain_text("All active members")
    expect(sent.locator("td.num")).to_have_text(["2", "1"])
    screenshot(page, "broadcasts-list")


BUYER_EMAIL = "anna@hanse-apparel.example"
BUYER_CONTACT_EMAIL = "procurement@hanse-apparel.example"


REQUEST_TITLE = "Knitted cotton T-shirts, 45,000 a month"


def drafted_consortium():
    """Three members, none of which knits 45,000 tees a month alone, and a buyer that
    opens a request for that many: the match job (eager here) drafts a consortium.
    Returns ({name: (firm, user)}, consortium)."""
    from datetime import timedelta

    from django.utils import timezone

    from consortia.models import Consortium
    from matching import services as matching_services
    from tests.factories import BuyerFactory, ContactPersonFactory, UserFactory

    load_codes_and_forget_the_index()
    cluster, manager = approved_cluster()
    members = {}
    for name, capacity in (("Alpha Knit", 30_000), ("Beta Knit", 20_000), ("Gamma Knit", 15_000)):
        members[name] = active_member(cluster, manager, name, capacity=capacity)
    buyer = BuyerFactory(legal_name="Hanse Apparel GmbH", slug="hanse-apparel")
    buyer_user = UserFactory(organisation=buyer, email=BUYER_EMAIL, full_name="Anna Schmidt")
    ContactPersonFactory(organisation=buyer, name="Jonas Weber", email=BUYER_CONTACT_EMAIL)
    fit_the_index()
    request = matching_services.request_create(
        actor=buyer_user,
        title=REQUEST_TITLE,
        description="Plain knitted cotton T-shirts for our spring line.",
        hs_codes=["6109"],
        deadline=timezone.now() + timedelta(days=30),
        volume_per_month=45_000,
        unit="pieces",
        allow_consortium=True,
    )
    matching_services.request_open(request=request, actor=buyer_user)
    return members, Consortium.objects.get(request=request)


def test_manager_proposes_a_consortium_and_contacts_show_after_everyone_accepts(
    live_server, browser_pages
):
    from playwright.sync_api import expect

    from consortia.models import Consortium

    # given: three members, none of which knits 45,000 tees a month alone, a buyer, and
    # the consortium the matcher drafted when the buyer opened the request
    members, consortium = drafted_consortium()
    drafted = sorted(m.supplier.legal_name for m in consortium.members.all())
    lead = drafted[0]

    # when: the manager opens the drafted consortium from the dashboard
    page = browser_pages()
    log_in(page, live_server.url, MANAGER_EMAIL)
    open_dashboard(page, live_server.url)
    page.get_by_role("link", name="Consortia").click()
    expect(page.get_by_role("heading", name="Consortia")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(r"Knitted cotton T-shirts, 45,000 a month"))
    expect(row).to_contain_text("Draft")
    screenshot(page, "consortia-list")
    row.get_by_role("link", name="Knitted cotton T-shirts, 45,000 a month").click()

    # then: its breakdown shows the pooled capacity meets the volume, and the notice
    expect(page.get_by_text("meets the volume")).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("never prices")
    for name in drafted:
        expect(page.get_by_role("region", name="Breakdown")).to_contain_text(name)
    screenshot(page, "consortium-draft")

    # when: the manager names a lead, saves, and proposes it to the buyer
    lead_capacity = {"Alpha Knit": "30,000", "Beta Knit": "20,000", "Gamma Knit": "15,000"}[lead]
    page.get_by_label("Lead member").select_option(label=f"{lead} — {lead_capacity} pieces a month")
    page.get_by_role("button", name="Save and recompute").click()
    expect(page.get_by_text("Consortium saved. Its figures are recomputed below.")).to_be_visible()
    breakdown = page.get_by_role("region", name="Breakdown")
    expect(breakdown.get_by_role("row", name=re.compile(f"^{lead}"))).to_contain_text("Lead")
    page.get_by_role("button", name="Propose to the buyer").click()
    expect(page.get_by_text("Proposed to the buyer", exact=False).first).to_be_visible()
    screenshot(page, "consortium-proposed")

    # when: the buyer opens the request page and accepts the consortium
    buyer_page = browser_pages()
    log_in(buyer_page, live_server.url, BUYER_EMAIL)
    nav_link(buyer_page, "Requests").click()
    buyer_page.get_by_role("link", name="Knitted cotton T-shirts, 45,000 a month").click()
    proposed = buyer_page.locator(f"#consortium-{consortium.pk}")
    expect(proposed).to_contain_text(f"{CLUSTER_NAME}: {len(drafted)} members")
    expect(proposed).to_contain_text("meets the volume")
    screenshot(buyer_page, "request-consortium")
    proposed.get_by_role("button", name="Accept").click()

    # then: accepted, but no contact shows while the members have not all accepted
    expect(buyer_page.get_by_text("Accepted. The others have been told.")).to_be_visible()
    proposed = buyer_page.locator(f"#consortium-{consortium.pk}")
    for name in drafted:
        expect(proposed).not_to_contain_text(f"sales@{name.lower().replace(' ', '-')}.example")

    # when: each member accepts from "My proposals"
    for index, name in enumerate(drafted):
        member_page = browser_pages()
        log_in(member_page, live_server.url, members[name][1].email)
        nav_link(member_page, "Proposals").click()
        mine = member_page.get_by_role("region", name="Consortia you are part of")
        mine.get_by_role("link", name="Knitted cotton T-shirts, 45,000 a month").click()
        expect(member_page.get_by_role("note")).to_contain_text("never prices")
        expect(member_page.get_by_role("link", name="My proposals")).to_be_visible()
        member_page.get_by_role("button", name="Accept").click()
        if index < len(drafted) - 1:
            # then: still no contacts before the last member accepts
            expect(member_page.get_by_text("Accepted. The others have been told.")).to_be_visible()
            expect(member_page.locator("main")).not_to_contain_text(BUYER_CONTACT_EMAIL)
            screenshot(member_page, "consortium-member-accepted")

    # then: after the last acceptance, everyone's contacts are shown to the last member ...
    expect(
        member_page.get_by_text("Linkage made: everyone accepted. Contacts are shown.")
    ).to_be_visible()
    contacts = member_page.get_by_label("Contacts")
    expect(contacts.get_by_role("link", name=BUYER_CONTACT_EMAIL)).to_be_visible()
    screenshot(member_page, "consortium-linked")

    # ... and to the buyer, on the request page
    buyer_page.reload()
    proposed = buyer_page.locator(f"#consortium-{consortium.pk}")
    for name in drafted:
        email = f"sales@{name.lower().replace(' ', '-')}.example"
        expect(proposed.get_by_role("link", name=email)).to_be_visible()
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.LINKED


def test_manager_reads_the_analytics_charts_and_downloads_a_csv(live_server, browser_pages):
    from playwright.sync_api import expect

    # given: an approved cluster with two active members
    load_codes_and_forget_the_index()
    cluster, manager = approved_cluster()
    active_member(cluster, manager, "Kongu Knit Fabs")
    active_member(cluster, manager, "Noyyal Cotton Mills")
    page = browser_pages()
    log_in(page, live_server.url, MANAGER_EMAIL)
    open_dashboard(page, live_server.url)

    # when: the manager opens the analytics
    page.get_by_role("link", name="Analytics").click()

    # then: the figures are drawn as charts, with their tables
    expect(page.get_by_role("heading", name="Cluster analytics")).to_be_visible()
    expect(page.locator("main")).to_contain_text("About the cluster's 2 active members")
    countries = page.get_by_role("region", name="Members by country")
    expect(countries.locator("svg")).to_be_visible()
    expect(countries.get_by_role("row", name=re.compile(r"India"))).to_contain_text("2")
    activity = page.get_by_role("region", name="Proposals and linkages over time")
    expect(activity.locator("svg")).to_be_visible()
    assert page.locator("main svg").count() >= 2
    gaps = page.get_by_role("region", name="Certification coverage: the upgrading gaps")
    expect(gaps).to_contain_text("(none yet)")
    expect(gaps).to_contain_text("No recent request asks for a certification.")
    screenshot(page, "analytics")

    # when: the manager downloads the members' figures
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Members' figures (CSV)").click()
    download = download_info.value

    # then: a CSV file with a header row and the members' figures
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].count(",") >= 1
    assert "India" in text or "IN" in text

    # and: each table downloads on its own too
    with page.expect_download() as download_info:
        countries.get_by_role("link", name="Download as CSV").click()
    rows = Path(download_info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2
    assert rows[1].endswith(",2")


def test_a_member_declines_and_the_consortium_returns_to_the_manager(live_server, browser_pages):
    from playwright.sync_api import expect

    from consortia.models import Consortium

    # given: the drafted consortium, with a lead, proposed to the buyer
    members, consortium = drafted_consortium()
    names = sorted(m.supplier.legal_name for m in consortium.members.all())
    manager = consortium.cluster.managers.get()
    consortium = consortia_services.consortium_update(
        consortium=consortium,
        actor=manager,
        members=[m.supplier_id for m in consortium.members.all()],
        lead=members[names[0]][0].pk,
    )
    consortia_services.consortium_propose(consortium=consortium, actor=manager)

    # when: a member declines from its consortium page, with a reason
    member_page = browser_pages()
    log_in(member_page, live_server.url, members[names[1]][1].email)
    nav_link(member_page, "Proposals").click()
    mine = member_page.get_by_role("region", name="Consortia you are part of")
    mine.get_by_role("link", name=REQUEST_TITLE).click()
    member_page.locator("summary", has_text="Decline…").click()
    member_page.get_by_label("Why do you decline?").select_option(
        label="Capacity or volume does not fit"
    )
    member_page.get_by_label("Anything to add (optional)").fill("Our lines are full until May.")
    member_page.get_by_role("button", name="Decline", exact=True).click()

    # then: the member is told the managers know
    expect(
        member_page.get_by_text("Declined. The cluster's managers have been told.")
    ).to_be_visible()

    # when: the manager opens the consortia
    page = browser_pages()
    log_in(page, live_server.url, MANAGER_EMAIL)
    open_dashboard(page, live_server.url)
    page.get_by_role("link", name="Consortia").click()

    # then: it is back with the manager, with the member's reason, to edit or withdraw
    row = page.get_by_role("row", name=re.compile(REQUEST_TITLE))
    expect(row).to_contain_text("Returned to the managers: a member declined")
    row.get_by_role("link", name=REQUEST_TITLE).click()
    declined = page.get_by_role("region", name="Breakdown").get_by_role(
        "row", name=re.compile(f"^{names[1]}")
    )
    expect(declined).to_contain_text("Capacity or volume does not fit")
    expect(declined).to_contain_text("Our lines are full until May.")
    expect(page.get_by_role("button", name="Save and recompute")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw the consortium")).to_be_visible()
    screenshot(page, "consortium-returned")
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.RETURNED
