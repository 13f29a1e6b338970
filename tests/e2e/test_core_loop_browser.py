"""In a real browser, the core loop: a buyer posts and opens a sourcing request and
reads the ranked proposals; buyer and supplier both accept one and only then see
each other's contacts; a buyer searches suppliers and saves the search."""

import re
from datetime import timedelta

import pytest

from tests.e2e.conftest import fit_the_index, load_codes_and_forget_the_index, log_in, nav_link

BUYER_EMAIL = "sourcing@hanse-apparel.example"
SUPPLIER_EMAIL = "lan@mekongknit.example"
BUYER_CONTACT_EMAIL = "procurement@hanse-apparel.example"
SUPPLIER_CONTACT_EMAIL = "export@mekongknit.example"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# STARTING DATA
# ------------------------------------------------------------------------------


def tshirt_knitter(name: str, *, email: str, country: str = "VN", slug: str = ""):
    """A verified SME that makes cotton T-shirts (HS 610910), with a login."""
    from companies.models import Organisation
    from tests.factories import ProductLineFactory, SupplierFactory, UserFactory

    org = SupplierFactory(
        legal_name=name,
        slug=slug or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
        country=country,
        description="Cotton T-shirts and polo shirts, knitted and dyed in our own mill.",
        verification=Organisation.Verification.VERIFIED,
    )
    org.hs_codes.set(["610910"])
    ProductLineFactory(organisation=org, hs_code_id="610910", monthly_capacity=50_000)
    UserFactory(organisation=org, email=email, full_name=f"Owner of {name}")
    return org


def surgical_maker():
    """A supplier of something else entirely, which must not be proposed for T-shirts."""
    from tests.factories import SupplierFactory

    org = SupplierFactory(
        legal_name="Sialkot Surgical Works",
        slug="sialkot-surgical-works",
        country="PK",
        description="Stainless steel surgical forceps and scissors.",
    )
    org.hs_codes.set(["901890"])
    return org


def hanse_apparel():
    from tests.factories import BuyerFactory, UserFactory

    # Verified by staff: a linkage shows contacts only for a verified buyer.
    buyer = BuyerFactory(legal_name="Hanse Apparel GmbH", slug="hanse-apparel", verified=True)
    UserFactory(organisation=buyer, email=BUYER_EMAIL, full_name="Jonas Weber")
    return buyer


def open_tshirt_request(buyer_user):
    from django.utils import timezone

    from matching import services

    request = services.request_create(
        actor=buyer_user,
        title="Cotton T-shirts, knitted",
        description="Plain knitted cotton tees for our spring line.",
        hs_codes=["610910"],
        deadline=timezone.now() + timedelta(days=30),
        volume_per_month=10_000,
        unit="pieces",
    )
    # Celery is eager and this test commits each statement: the match job runs here.
    return services.request_open(request=request, actor=buyer_user)


# SCENARIOS
# ------------------------------------------------------------------------------


def test_buyer_posts_and_opens_a_request_and_sees_ranked_explained_proposals(
    live_server, browser_pages
):
    from django.utils import timezone
    from playwright.sync_api import expect

    from matching.models import Proposal, SourcingRequest

    # given: a verified T-shirt knitter, an unrelated supplier, and a buyer
    load_codes_and_forget_the_index()
    tshirt_knitter("Mekong Cotton Knit Co.", email=SUPPLIER_EMAIL)
    surgical_maker()
    hanse_apparel()
    fit_the_index()
    page = browser_pages()
    log_in(page, live_server.url, BUYER_EMAIL)

    # when: the buyer fills in the request form, picking the HS code with the code picker
    nav_link(page, "Requests").click()
    # the empty list offers the same link twice: in the page head and in its empty state
    page.get_by_role("link", name="Post a request").first.click()
    expect(page.get_by_role("heading", name="Post a sourcing request")).to_be_visible()
    page.get_by_label("Title").fill("Organic cotton T-shirts, 10,000 a month")
    page.get_by_label("Description").fill(
        "Plain knitted cotton tees for our spring line, crew neck, 180 gsm."
    )
    picker = page.get_by_role("combobox", name="Products (HS codes)")
    picker.fill("610910")
    suggestion = page.locator('[role="option"][data-code="610910"]')
    expect(suggestion).to_contain_text("T-shirts")
    suggestion.click()
    expect(page.locator('.code-chip[data-code="610910"]')).to_be_visible()
    page.get_by_label("Volume per month").fill("10000")
    page.get_by_label("Unit", exact=True).select_option("pieces")
    deadline = timezone.localtime(timezone.now() + timedelta(days=30))
    page.get_by_label("Deadline for responses").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save as draft").click()

    # then: the draft's page shows what was asked for
    expect(page.get_by_text("Request saved as a draft.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Organic cotton T-shirts, 10,000 a month")
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text("610910")
    expect(page.locator("main")).to_contain_text("10,000 pieces a month")

    # when: the buyer opens it to suppliers (the matcher runs in the live server)
    page.get_by_role("button", name="Open to suppliers").click()

    # then: the knitter is proposed first, with its explanation; the surgeon is not
    expect(page.get_by_text("Request opened: suppliers can now see it.")).to_be_visible()
    proposals = page.locator("section[aria-labelledby='proposals-title'] li.card")
    expect(proposals.first).to_be_visible()
    top = proposals.first
    expect(top.get_by_role("heading")).to_have_text("Mekong Cotton Knit Co.")
    expect(top).to_contain_text("Makes HS 610910")
    expect(top.get_by_role("button", name="Accept")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Sialkot Surgical Works")
    request = SourcingRequest.objects.get()
    assert request.status == SourcingRequest.Status.OPEN
    assert list(request.hs_codes.values_list("code", flat=True)) == ["610910"]
    assert list(
        Proposal.objects.filter(request=request).values_list("supplier__legal_name", flat=True)
    ) == ["Mekong Cotton Knit Co."]


def test_contacts_are_shown_to_both_sides_only_after_both_accept(live_server, browser_pages):
    from playwright.sync_api import expect

    from matching.models import Proposal
    from tests.factories import ContactPersonFactory

    # given: a proposal of the knitter for the buyer's open request, and both sides' contacts
    load_codes_and_forget_the_index()
    supplier = tshirt_knitter("Mekong Cotton Knit Co.", email=SUPPLIER_EMAIL)
    buyer = hanse_apparel()
    ContactPersonFactory(organisation=supplier, name="Nguyen Thi Lan", email=SUPPLIER_CONTACT_EMAIL)
    ContactPersonFactory(organisation=buyer, name="Anna Schmidt", email=BUYER_CONTACT_EMAIL)
    fit_the_index()
    request = open_tshirt_request(buyer.users.get())
    proposal = Proposal.objects.get(request=request, supplier=supplier)

    # when: the supplier opens the proposal from "Proposals" and accepts
    supplier_page = browser_pages()
    log_in(supplier_page, live_server.url, SUPPLIER_EMAIL)
    nav_link(supplier_page, "Proposals").click()
    expect(supplier_page.get_by_role("heading", name="My proposals")).to_be_visible()
    supplier_page.get_by_role("link", name="Cotton T-shirts, knitted").click()
    expect(supplier_page).to_have_url(re.compile(rf"/proposals/{proposal.pk}/$"))
    expect(supplier_page.locator("main")).to_contain_text("Makes HS 610910")
    supplier_page.get_by_role("button", name="Accept").click()

    # then: accepted, but the buyer's contacts stay hidden until the buyer accepts
    expect(supplier_page.get_by_text("Accepted. The other side has been told.")).to_be_visible()
    expect(supplier_page.get_by_text("waiting for the buyer")).to_be_visible()
    main = supplier_page.locator("main")
    expect(main).to_contain_text("Contact details are shown to both sides once both")
    expect(main).not_to_contain_text(BUYER_CONTACT_EMAIL)
    expect(main).not_to_contain_text(BUYER_EMAIL)

    # when: the buyer accepts the knitter on the request page
    buyer_page = browser_pages()
    log_in(buyer_page, live_server.url, BUYER_EMAIL)
    nav_link(buyer_page, "Requests").click()
    buyer_page.get_by_role("link", name="Cotton T-shirts, knitted").click()
    row = buyer_page.locator(f"#proposal-{proposal.pk}")
    expect(row).to_contain_text("Mekong Cotton Knit Co.")
    expect(row).not_to_contain_text(SUPPLIER_CONTACT_EMAIL)
    row.get_by_role("button", name="Accept").click()

    # then: the buyer sees the supplier's contacts on the request page ...
    expect(
        buyer_page.get_by_text("Linkage made: both sides accepted. Contacts are shown.")
    ).to_be_visible()
    row = buyer_page.locator(f"#proposal-{proposal.pk}")
    expect(row.get_by_role("heading", name="Contacts at Mekong Cotton Knit Co.")).to_be_visible()
    expect(row.get_by_role("link", name=SUPPLIER_CONTACT_EMAIL)).to_be_visible()

    # ... and the supplier, reloading the proposal, sees the buyer's
    supplier_page.reload()
    contacts = supplier_page.get_by_label("Contacts")
    expect(contacts).to_contain_text("Contacts at Hanse Apparel GmbH")
    expect(contacts.get_by_role("link", name=BUYER_CONTACT_EMAIL)).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.LINKED


def test_buyer_searches_suppliers_by_words_and_country_and_saves_the_search(
    live_server, browser_pages
):
    from playwright.sync_api import expect

    from matching.models import SavedSearch

    # given: two T-shirt knitters in different countries, and a buyer
    load_codes_and_forget_the_index()
    tshirt_knitter("Mekong Cotton Knit Co.", email=SUPPLIER_EMAIL, country="VN")
    tshirt_knitter("Angkor Knitwear Ltd", email="owner@angkorknit.example", country="KH")
    hanse_apparel()
    fit_the_index()
    page = browser_pages()
    log_in(page, live_server.url, BUYER_EMAIL)

    # when: the buyer searches for words, only in Viet Nam
    nav_link(page, "Search suppliers").click()
    expect(page.get_by_role("heading", name="Search suppliers")).to_be_visible()
    page.get_by_label("Search", exact=True).fill("cotton t-shirts knitted")
    page.get_by_label("Country").select_option("VN")
    page.get_by_role("button", name="Search", exact=True).click()

    # then: the Vietnamese knitter is found, with the words that made it match
    results = page.get_by_role("region", name="Results")
    expect(results).to_contain_text("1 supplier found.")
    hit = results.locator("li.result")
    expect(hit.get_by_role("link", name="Mekong Cotton Knit Co.")).to_be_visible()
    expect(hit).to_contain_text("Why it matched:")
    expect(hit.locator("mark", has_text="cotton")).to_be_visible()
    expect(results).not_to_contain_text("Angkor Knitwear Ltd")

    # when: the buyer saves the search
    results.get_by_label("Name").fill("Cotton tees from Viet Nam")
    results.get_by_role("button", name="Save this search").click()

    # then: it is on "Saved searches", with its words
    expect(page).to_have_url(re.compile(r"/saved-searches/$"))
    expect(page.get_by_text("Search saved.")).to_be_visible()
    saved_row = page.get_by_role("row", name=re.compile("Cotton tees from Viet Nam"))
    expect(saved_row).to_contain_text("cotton t-shirts knitted")
    nav_link(page, "Saved searches").click()
    expect(page.get_by_role("link", name="Cotton tees from Viet Nam")).to_be_visible()
    saved = SavedSearch.objects.get()
    assert saved.query == "cotton t-shirts knitted"

    # when: the buyer runs the saved search again from its link
    page.get_by_role("link", name="Cotton tees from Viet Nam").click()

    # then: the same filters come back
    expect(page.get_by_label("Country")).to_have_value("VN")
    expect(page.get_by_role("region", name="Results")).to_contain_text("1 supplier found.")
