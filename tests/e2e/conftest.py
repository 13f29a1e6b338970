"""Shared pieces of the browser tests: a real Chromium through Playwright's sync API,
one browser context per person, and the login page."""

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made here
# (building the starting data, checking the result) are still plain synchronous calls.
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
TIMEOUT_MS = 15_000


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    """One Chromium for every browser test: launching it takes a second each time."""
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
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_pages(chromium: Any) -> Iterator[Callable[[], Any]]:
    """``browser_pages()`` gives a fresh page in its own browser context (its own
    cookies), so several people can be logged in side by side. Downloads are accepted.
    The contexts close at the end of the test; the browser stays for the next one."""
    contexts: list[Any] = []

    def new_page() -> Any:
        context = chromium.new_context(accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    try:
        yield new_page
    finally:
        for context in contexts:
            context.close()


def log_in(page, base_url: str, email: str) -> None:
    """Log in through the login page, and land on the dashboard."""
    from playwright.sync_api import expect

    from tests.factories import TEST_PASSWORD

    page.goto(f"{base_url}/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def nav_link(page, name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


# The taxonomy tables in the order their foreign keys need, and their rows as the
# database stores them: taken once, after the first load from the files.
_CODE_ROWS: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}


def _restore_codes() -> None:
    """Write the rows back with one statement per table: the same rows as
    ``load_taxonomies``, without reading and checking the files again."""
    from django.db import connection, transaction

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, (columns, rows) in _CODE_ROWS.items():
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is None:
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    rows,
                )


def _remember_codes() -> None:
    from django.db import connection

    from companies.models import CertificationScheme, HsCode, HsIsicLink, IsicCode

    for model in (HsCode, IsicCode, HsIsicLink, CertificationScheme):
        fields = model._meta.concrete_fields
        ordered = model.objects.order_by("pk").values_list(*[f.attname for f in fields])
        _CODE_ROWS[model._meta.db_table] = (
            [f.column for f in fields],
            [
                tuple(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True))
                for row in ordered
            ],
        )


def load_codes_and_forget_the_index() -> None:
    """The live server's database is flushed between tests: load the codes again, and
    drop any index this process loaded for an earlier test's suppliers."""
    from companies.taxonomy import load_taxonomies
    from matching.index_store import forget_loaded_index

    if _CODE_ROWS:
        _restore_codes()
    else:
        load_taxonomies()
        _remember_codes()
    forget_loaded_index()


def fit_the_index() -> None:
    from matching.index_store import forget_loaded_index, index_build_full

    forget_loaded_index()
    index_build_full()


def screenshot(page, name: str) -> None:
    """A full-page picture of what the person sees (``/tmp/e2e-<name>.png``), to look at
    by eye; never committed."""
    page.screenshot(path=Path(tempfile.gettempdir()) / f"e2e-{name}.png", full_page=True)
