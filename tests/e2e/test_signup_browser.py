"""In a real browser: an SME signs up, picks an HS code with the code picker, and sees it."""

import re

import pytest

PASSWORD = "a-long-browser-password-42"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sme_signs_up_and_adds_a_product_code_with_the_picker(live_server, browser_pages):
    from playwright.sync_api import expect

    from companies.models import User
    from companies.taxonomy import load_taxonomies

    # given: the live server's database is flushed between tests, so load the codes
    load_taxonomies()
    page = browser_pages()

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
