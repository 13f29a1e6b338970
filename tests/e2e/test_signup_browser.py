"""In a real browser: an SME signs up, picks an HS code with the code picker, and sees it."""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made here
# (loading the taxonomies, checking the result) are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "a-long-browser-password-42"
TIMEOUT_MS = 15_000

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason}, and REQUIRE_SERVICES=1 asks for a real browser")
        print(f"skipping the browser test: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            yield page
        finally:
            browser.close()


def test_sme_signs_up_and_adds_a_product_code_with_the_picker(live_server, browser_page):
    from playwright.sync_api import expect

    from companies.models import User
    from companies.taxonomy import load_taxonomies

    # given: the live server's database is flushed between tests, so load the codes
    load_taxonomies()
    page = browser_page

    # when: an SME signs up
    page.goto(f"{live_server.url}/signup/?kind=supplier")
    expect(page.get_by_label("an SME supplier: we make products")).to_be_checked()
    page.get_by_label("Organisation's legal name").fill("Mekong Cotton Knit Co.")
    page.get_by_label("Country").select_option("VN")
    page.get_by_label("Your name").fill("Pham Minh Chau")
    page.get_by_label("Your e-mail address").fill("chau@mekongknit.example")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_confirm").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # then: logged in, on the dashboard
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name="Mekong Cotton Knit Co.")).to_be_visible()

    # when: the profile is edited with the code picker
    page.get_by_role("link", name="Edit profile").click()
    search = page.get_by_role("combobox", name="Products (HS codes)")
    search.fill("t-shirt")
    suggestion = page.locator('[role="option"][data-code="610910"]')
    expect(suggestion).to_contain_text("T-shirts")
    suggestion.click()
    expect(page.locator('.code-chip[data-code="610910"]')).to_be_visible()
    expect(page.locator('input[name="hs_codes"]')).to_have_value("610910")
    page.get_by_role("button", name="Save profile").click()

    # then: the public profile lists the code with its description
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("610910")
    expect(page.locator("main")).to_contain_text("T-shirts, singlets")
    user = User.objects.get(email="chau@mekongknit.example")
    assert list(user.organisation.hs_codes.values_list("code", flat=True)) == ["610910"]
