"""In a real browser, the main pages of every role work under the site's
Content-Security-Policy: the browser reports no violation and no console error, the
scripts moved to static files still run (code picker, match-run progress), the styles
moved out still apply, and the API docs draw Swagger UI with no internet."""

import pytest

from tests.e2e.conftest import load_codes_and_forget_the_index, log_in
from tests.e2e.test_core_loop_browser import hanse_apparel, open_tshirt_request, tshirt_knitter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BUYER_EMAIL = "sourcing@hanse-apparel.example"
SUPPLIER_EMAIL = "lan@mekongknit.example"
STAFF_EMAIL = "staff@platform.example"

# Runs before any script of the page: the browser fires securitypolicyviolation for
# everything the policy blocks (scripts, styles, images, connections).
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + (event.sourceFile || document.location.href) + ":" + event.lineNumber
  );
});
"""


class Watched:
    """A page whose policy violations, console errors and script errors are kept."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        page.add_init_script(LISTEN_FOR_VIOLATIONS)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def on_console(self, message) -> None:
        # DRF's browsable API links no icon, so the browser's own guess at one is a 404.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def visit(self, path: str) -> None:
        response = self.page.goto(f"{self.base_url}{path}")
        assert response is not None
        assert response.status == 200, f"{path} answered {response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.settle(path)

    def settle(self, where: str) -> None:
        """Let deferred scripts and the fetches they start run, then collect."""
        self.page.wait_for_load_state("networkidle")
        violations = self.page.evaluate("window.__cspViolations || []")
        self.problems.extend(f"{where}: {violation}" for violation in violations)
        self.page.evaluate("window.__cspViolations = []")

    def assert_clean(self) -> None:
        assert self.problems == []


def test_public_pages_and_the_api_docs_run_under_the_policy(live_server, browser_pages):
    load_codes_and_forget_the_index()
    tshirt_knitter("Mekong Knit", email=SUPPLIER_EMAIL, slug="mekong-knit")
    watched = Watched(browser_pages(), live_server.url)

    for path in [
        "/",
        "/login/",
        "/suppliers/",
        "/clusters/",
        "/organisations/mekong-knit/",
        "/admin/login/",
    ]:
        watched.visit(path)

    watched.visit("/signup/")
    # DRF's browsable API, with its inline code styles left out (templates/rest_framework).
    watched.visit("/api/v1/organisations/")
    assert "Mekong Knit" in watched.page.locator("main, body").first.inner_text()

    # Swagger UI from this site's own static files, started by the split view's script.
    watched.visit("/api/docs/")
    watched.page.locator(".swagger-ui .info .title").wait_for()
    assert "GVC Link API" in watched.page.locator(".swagger-ui .info .title").inner_text()
    watched.page.locator(".opblock").first.wait_for()
    watched.settle("/api/docs/ (drawn)")
    background = watched.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(250, 250, 250)"

    watched.assert_clean()


def test_each_roles_pages_run_under_the_policy(live_server, browser_pages):
    from matching.models import MatchRun
    from tests.factories import MatchRunFactory, UserFactory

    load_codes_and_forget_the_index()
    knitter = tshirt_knitter("Mekong Knit", email=SUPPLIER_EMAIL, slug="mekong-knit")
    buyer = hanse_apparel()
    request = open_tshirt_request(buyer.users.get())
    UserFactory(organisation=None, is_staff=True, email=STAFF_EMAIL)
    run = MatchRunFactory(status=MatchRun.Status.RUNNING, shards_total=4, shards_done=1)

    supplier = Watched(browser_pages(), live_server.url)
    log_in(supplier.page, live_server.url, SUPPLIER_EMAIL)
    supplier.settle("/dashboard/")
    for path in ["/proposals/", "/open-requests/", "/products/", "/certifications/"]:
        supplier.visit(path)
    # The code picker is a static script: it still suggests codes as one types.
    supplier.visit(f"/organisation/{knitter.pk}/edit/")
    supplier.page.get_by_role("combobox", name="Products (HS codes)").fill("t-shirt")
    supplier.page.locator('[role="option"][data-code="610910"]').wait_for()
    supplier.settle("profile edit (code picker)")
    supplier.assert_clean()

    buyer_page = Watched(browser_pages(), live_server.url)
    log_in(buyer_page.page, live_server.url, BUYER_EMAIL)
    buyer_page.settle("/dashboard/")
    for path in ["/requests/", "/requests/new/", "/suppliers/search/", "/saved-searches/"]:
        buyer_page.visit(path)
    buyer_page.visit(f"/requests/{request.pk}/")
    buyer_page.assert_clean()
    # The proposal styles moved to a static file still apply.
    weight = buyer_page.page.evaluate(
        "getComputedStyle(document.querySelector('.proposal-score')).fontWeight"
    )
    assert weight == "600"

    staff = Watched(browser_pages(), live_server.url)
    log_in(staff.page, live_server.url, STAFF_EMAIL)
    staff.settle("/dashboard/")
    staff.visit("/match-runs/")
    # The progress script polls the API and moves the run's bar.
    MatchRun.objects.filter(pk=run.pk).update(shards_done=3)
    shards = staff.page.locator(f'[data-run="{run.pk}"] [data-field="shards"]')
    shards.filter(has_text="3/4").wait_for(timeout=10_000)
    staff.settle("/match-runs/ (polled)")
    staff.assert_clean()


def test_a_cluster_managers_pages_and_charts_run_under_the_policy(live_server, browser_pages):
    from tests.e2e.test_cluster_manager_browser import (
        MANAGER_EMAIL,
        active_member,
        approved_cluster,
    )

    load_codes_and_forget_the_index()
    cluster, manager = approved_cluster()
    active_member(cluster, manager, "Kongu Knit Fabs")
    watched = Watched(browser_pages(), live_server.url)
    log_in(watched.page, live_server.url, MANAGER_EMAIL)
    watched.settle("/dashboard/")

    for path in [
        "/clusters/managed/",
        f"/clusters/{cluster.slug}/",
        f"/clusters/{cluster.slug}/edit/",
    ]:
        watched.visit(path)
    for path in ["manage/", "manage/imports/", "manage/analytics/"]:
        watched.visit(f"/clusters/{cluster.slug}/{path}")
    # The charts carry no style attribute; the stylesheet keeps them within the page.
    chart = watched.page.locator("main svg.chart").first
    assert chart.get_attribute("style") is None
    page_width = watched.page.evaluate("document.querySelector('main').clientWidth")
    assert 0 < chart.bounding_box()["width"] <= page_width
    watched.assert_clean()
