"""The load: visitors, buyers, suppliers and cluster managers using the site at once.

Run by ``bench/load/run.py``, which seeds the accounts this file logs in with (their
e-mails come in ``LOAD_ACCOUNTS``, a JSON file of ``bench.load.seed.accounts``). Each
simulated person waits 1 to 3 seconds between actions, as a person reading a page
does. Requests are named by page, so the figures come per page, not per address.

The measurement starts once all ``LOAD_USERS`` people have logged in (a log-in hashes
a password on purpose, and 50 at once say nothing about the pages) and lasts
``LOAD_DURATION`` seconds; then the run stops itself.
"""

import itertools
import json
import os
import random
import re
from typing import Any

import gevent
from locust import HttpUser, between, events, task
from locust.env import Environment

from bench.load.seed import LOAD_PASSWORD

ACCOUNTS: dict[str, list[str]] = json.loads(
    open(os.environ["LOAD_ACCOUNTS"], encoding="utf-8").read()  # noqa: SIM115
)
SUPPLIERS = int(os.environ.get("LOAD_SUPPLIERS", "20000"))
SEARCHES = [
    "cotton t-shirts", "knitted jerseys", "stainless steel surgical instruments",
    "frozen shrimp", "leather footwear", "printed circuit boards", "rice milling",
    "wooden furniture", "plastic injection moulding", "organic coffee roasting",
    "ceramic tiles", "bicycle parts", "garments embroidery", "solar panels",
]  # fmt: skip
# Only the proposals this side has still to answer carry an "answer" link.
UNANSWERED = re.compile(r'href="/proposals/(\d+)/">answer</a>')
REQUEST_LINK = re.compile(r'href="/requests/(\d+)/"')
USERS = int(os.environ.get("LOAD_USERS", "50"))
DURATION = float(os.environ.get("LOAD_DURATION", "120"))
_next_account = {role: itertools.count() for role in ACCOUNTS}
_environment: list[Environment] = []
_ready = itertools.count(1)


@events.init.add_listener
def _keep_environment(environment: Environment, **kwargs: Any) -> None:
    _environment.append(environment)


def _one_more_ready() -> None:
    """The last person to be ready starts the measured window, and schedules its end."""
    if next(_ready) != USERS:
        return
    runner = _environment[0].runner
    assert runner is not None
    runner.stats.reset_all()
    gevent.spawn_later(DURATION, runner.quit)


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self) -> None:
        if self.role:
            self.log_in()
        _one_more_ready()

    def log_in(self) -> None:
        emails = ACCOUNTS[self.role]
        self.email = emails[next(_next_account[self.role]) % len(emails)]
        self.client.get("/login/", name="log-in form")
        with self.client.post(
            "/login/",
            {"username": self.email, "password": LOAD_PASSWORD, **self._csrf()},
            name="log in",
            catch_response=True,
        ) as response:
            if "/login/" in response.url:
                response.failure(f"log-in refused for {self.email}")

    def _csrf(self) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}

    def post(self, url: str, data: dict[str, Any], name: str) -> Any:
        with self.client.post(url, {**data, **self._csrf()}, name=name, catch_response=True) as r:
            # A form the site refused comes back as the form again, with status 200.
            if 'class="errorlist' in r.text:
                r.failure(f"{name}: the form was refused")
            return r

    def answer_a_proposal(self) -> None:
        listing = self.client.get("/proposals/?status=pending", name="proposal list")
        ids = UNANSWERED.findall(listing.text)
        if not ids:
            return
        pk = random.choice(ids)
        self.client.get(f"/proposals/{pk}/", name="proposal detail")
        if random.random() < 0.7:
            self.post(f"/proposals/{pk}/accept/", {}, name="proposal accept")
        else:
            self.post(
                f"/proposals/{pk}/decline/",
                {"reason": random.choice(["capacity", "price", "timing"]), "note": ""},
                name="proposal decline",
            )


class Visitor(Person):
    """Someone not logged in, looking round the public pages."""

    weight = 2

    @task(4)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(4)
    def directory(self) -> None:
        page = random.randint(1, 40)
        self.client.get(f"/suppliers/?page={page}", name="supplier directory")

    @task(1)
    def directory_filtered(self) -> None:
        country = random.choice(["VN", "IN", "TH", "BD", "CN"])
        self.client.get(f"/suppliers/?country={country}", name="supplier directory (filtered)")

    @task(3)
    def profile(self) -> None:
        n = random.randrange(SUPPLIERS)
        with self.client.get(
            f"/organisations/bench-{n}/", name="supplier profile", catch_response=True
        ) as response:
            # Unverified suppliers are listed too; a 404 would be a bug, not noise.
            if response.status_code != 200:
                response.failure(f"profile bench-{n}: {response.status_code}")

    @task(1)
    def clusters(self) -> None:
        self.client.get("/clusters/", name="cluster directory")
        self.client.get(f"/clusters/load-cluster-{random.randrange(5)}/", name="cluster page")


class Buyer(Person):
    """A buyer's user: searches suppliers, posts requests, answers proposals."""

    weight = 3
    role = "buyer"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="dashboard")

    @task(4)
    def search(self) -> None:
        words = random.choice(SEARCHES).replace(" ", "+")
        self.client.get(f"/suppliers/search/?q={words}", name="supplier search")

    @task(3)
    def requests(self) -> None:
        listing = self.client.get("/requests/", name="request list")
        ids = REQUEST_LINK.findall(listing.text)
        if ids:
            self.client.get(f"/requests/{random.choice(ids)}/", name="request detail")

    @task(1)
    def post_request(self) -> None:
        self.client.get("/requests/new/", name="request form")
        created = self.post(
            "/requests/new/",
            {
                "title": f"{random.choice(SEARCHES).capitalize()}, {random.randint(1, 50)}k/month",
                "description": "Export quality, packed per carton, audited factory preferred.",
                "hs_codes": random.choice(["6109", "6110", "9018", "0306", "6403"]),
                "isic_codes": "",
                "volume_per_month": str(random.choice([1000, 5000, 10000])),
                "unit": "pieces",
                "deadline": "2099-01-01T12:00",
                "visibility": "public",
            },
            name="request post",
        )
        match = re.search(r"/requests/(\d+)/", created.url or "")
        if match:
            self.post(f"/requests/{match.group(1)}/open/", {}, name="request open")

    @task(2)
    def answer(self) -> None:
        self.answer_a_proposal()


class Supplier(Person):
    """An SME's user: reads open requests and its proposals, and answers them."""

    weight = 4
    role = "supplier"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="dashboard")

    @task(3)
    def open_requests(self) -> None:
        listing = self.client.get("/open-requests/", name="open requests")
        ids = REQUEST_LINK.findall(listing.text)
        if ids:
            self.client.get(f"/requests/{random.choice(ids)}/", name="request detail")

    @task(3)
    def answer(self) -> None:
        self.answer_a_proposal()

    @task(1)
    def notifications(self) -> None:
        self.client.get("/notifications/", name="notifications")


class Manager(Person):
    """A cluster manager: its dashboard, its members and its analytics."""

    weight = 1
    role = "manager"

    def on_start(self) -> None:
        super().on_start()
        self.cluster = f"load-cluster-{ACCOUNTS['manager'].index(self.email)}"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="dashboard")

    @task(2)
    def manage(self) -> None:
        self.client.get(f"/clusters/{self.cluster}/manage/", name="cluster manage")

    @task(1)
    def analytics(self) -> None:
        self.client.get(f"/clusters/{self.cluster}/manage/analytics/", name="cluster analytics")
