"""Every main page and API list asks the database a fixed number of questions, however
many rows it shows.

The world is built once with ``N`` rows of everything a page lists (suppliers with
their certificates and product lines, requests, proposals, near-misses, linkages,
cluster members, broadcasts, notifications, saved searches), each page is drawn and
its queries counted, then ``2N`` more rows of each are added and every page is drawn
again. A page whose count grew asks once per row (an N+1): the failure names the
queries that repeated.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker
from rest_framework.test import APIClient

from clusters.models import Cluster
from companies.models import CertificationScheme, Organisation, User
from matching.index_store import forget_loaded_index, index_build_full
from matching.models import Proposal, SourcingRequest
from tests.built_once import built_once
from tests.factories import (
    BroadcastFactory,
    BuyerFactory,
    CertificationFactory,
    ClusterBodyUserFactory,
    ClusterFactory,
    ClusterMembershipFactory,
    ContactPersonFactory,
    MatchRunFactory,
    NearMissFactory,
    NotificationFactory,
    ProductLineFactory,
    ProposalFactory,
    SavedSearchFactory,
    SourcingRequestFactory,
    StaffUserFactory,
    SupplierFactory,
    UserFactory,
)

# Rows of each kind in the first drawing; the second has three times as many.
N = 3


@dataclass
class World:
    buyer_user: User
    supplier: Organisation
    supplier_user: User
    manager: User
    staff: User
    cluster: Cluster
    request: SourcingRequest
    proposal: Proposal
    grown: int = 0
    suppliers: list[Organisation] = field(default_factory=list)


def _verified_supplier(n: int) -> Organisation:
    firm = SupplierFactory(
        legal_name=f"Budget Knit {n:03d}",
        slug=f"budget-knit-{n}",
        country="VN",
        description="Knitted cotton T-shirts and polo shirts for export.",
        verification=Organisation.Verification.VERIFIED,
        verified_at=timezone.now(),
    )
    firm.hs_codes.add("610910")
    firm.isic_codes.add("1430")
    return firm


def build() -> World:
    buyer_user = UserFactory(organisation=BuyerFactory(legal_name="Budget Buyer GmbH"))
    supplier = _verified_supplier(0)
    supplier_user = UserFactory(organisation=supplier)
    manager = ClusterBodyUserFactory()
    cluster = ClusterFactory(proposed_by=manager, name="Budget Knitwear Cluster")
    ClusterMembershipFactory(
        cluster=cluster, applicant=supplier_user, approver=manager, listed_publicly=True
    )
    request = SourcingRequestFactory(
        created_by=buyer_user, title="Knitted cotton T-shirts", unit="pieces"
    )
    proposal = ProposalFactory(request=request, supplier=supplier, explained=True)
    world = World(
        buyer_user=buyer_user,
        supplier=supplier,
        supplier_user=supplier_user,
        manager=manager,
        staff=StaffUserFactory(),
        cluster=cluster,
        request=request,
        proposal=proposal,
    )
    grow(world, N)
    return world


def grow(world: World, count: int) -> None:
    """``count`` more rows of every kind the pages list, for every role."""
    iso = CertificationScheme.objects.get(code="iso-9001")
    for _ in range(count):
        world.grown += 1
        n = world.grown
        # A supplier in the directory, the search, the cluster and the main request.
        firm = _verified_supplier(n)
        CertificationFactory(organisation=firm, scheme=iso)
        ProductLineFactory(organisation=firm)
        ContactPersonFactory(organisation=firm)
        member = UserFactory(organisation=firm)
        ClusterMembershipFactory(
            cluster=world.cluster,
            applicant=member,
            approver=world.manager,
            listed_publicly=True,
            share_contacts=True,
        )
        world.suppliers.append(firm)
        linked = n % 2 == 0
        ProposalFactory(
            request=world.request,
            supplier=firm,
            explained=True,
            **_linked() if linked else {},
        )
        NearMissFactory(request=world.request, supplier=firm)
        # The own supplier's profile, proposals and notices.
        CertificationFactory(organisation=world.supplier, scheme=iso)
        ProductLineFactory(organisation=world.supplier, hs_code_id="610990")
        ContactPersonFactory(organisation=world.supplier, is_primary=False)
        request = SourcingRequestFactory(
            created_by=world.buyer_user,
            title=f"Knitted polo shirts {n}",
            unit="pieces",
            deadline=timezone.now() + timedelta(days=30 + n),
        )
        ProposalFactory(
            request=request, supplier=world.supplier, explained=True, **_linked() if linked else {}
        )
        NearMissFactory(request=request, supplier=firm)
        nearly = SourcingRequestFactory(
            created_by=world.buyer_user, title=f"Surgical gowns {n}", unit="pieces"
        )
        NearMissFactory(request=nearly, supplier=world.supplier)
        BroadcastFactory(cluster=world.cluster, sender=world.manager)
        SavedSearchFactory(user=world.buyer_user)
        MatchRunFactory()
        ClusterFactory(name=f"Budget Cluster {n}")
        for user in (world.buyer_user, world.supplier_user, world.manager, world.staff):
            NotificationFactory(user=user)
    forget_loaded_index()
    index_build_full()


def _linked() -> dict[str, Any]:
    accepted = Proposal.Decision.ACCEPTED
    return {
        "status": Proposal.Status.LINKED,
        "buyer_decision": accepted,
        "supplier_decision": accepted,
        "buyer_decided_at": timezone.now(),
        "supplier_decided_at": timezone.now(),
    }


# Each page: who looks (an attribute of the world, or None for a visitor) and its address.
Page = tuple[str | None, Callable[[World], str]]

PAGES: dict[str, Page] = {
    "home": (None, lambda w: reverse("home")),
    "supplier directory": (None, lambda w: reverse("supplier-directory")),
    "supplier profile": (
        None,
        lambda w: reverse("organisation-profile", args=[w.supplier.slug]),
    ),
    "supplier search": (
        "buyer_user",
        lambda w: reverse("supplier-search") + "?q=knitted+cotton+t-shirts",
    ),
    "dashboard: buyer": ("buyer_user", lambda w: reverse("dashboard")),
    "dashboard: supplier": ("supplier_user", lambda w: reverse("dashboard")),
    "dashboard: cluster manager": ("manager", lambda w: reverse("dashboard")),
    "dashboard: staff": ("staff", lambda w: reverse("dashboard")),
    "request list": ("buyer_user", lambda w: reverse("request-list")),
    "request detail": ("buyer_user", lambda w: reverse("request-detail", args=[w.request.pk])),
    "open requests": ("supplier_user", lambda w: reverse("open-requests")),
    "proposal list: supplier": ("supplier_user", lambda w: reverse("proposal-list")),
    "proposal list: buyer": ("buyer_user", lambda w: reverse("proposal-list")),
    "proposal detail: supplier": (
        "supplier_user",
        lambda w: reverse("proposal-detail", args=[w.proposal.pk]),
    ),
    "proposal detail: buyer": (
        "buyer_user",
        lambda w: reverse("proposal-detail", args=[w.proposal.pk]),
    ),
    "near-misses": ("supplier_user", lambda w: reverse("near-miss-list")),
    "saved searches": ("buyer_user", lambda w: reverse("saved-search-list")),
    "cluster directory": (None, lambda w: reverse("cluster-directory")),
    "cluster page": (None, lambda w: reverse("cluster-page", args=[w.cluster.slug])),
    "cluster manage": ("manager", lambda w: reverse("cluster-manage", args=[w.cluster.slug])),
    "cluster analytics": (
        "manager",
        lambda w: reverse("cluster-analytics", args=[w.cluster.slug]),
    ),
    "my clusters": ("supplier_user", lambda w: reverse("my-clusters")),
    "notifications": ("supplier_user", lambda w: reverse("notification-list")),
    "match runs": ("staff", lambda w: reverse("match-run-list")),
    "certifications": ("supplier_user", lambda w: reverse("certification-list")),
    "product lines": ("supplier_user", lambda w: reverse("product-line-list")),
    "contacts": ("supplier_user", lambda w: reverse("contact-list")),
}

API_LISTS: dict[str, Page] = {
    "organisations": (None, lambda w: reverse("api:organisation-list")),
    "supplier search": (
        "buyer_user",
        lambda w: reverse("api:supplier-search") + "?q=knitted+cotton+t-shirts",
    ),
    "requests": ("buyer_user", lambda w: reverse("api:request-list")),
    "open requests": ("supplier_user", lambda w: reverse("api:open-request-list")),
    "proposals: supplier": ("supplier_user", lambda w: reverse("api:proposal-list")),
    "proposals: buyer": ("buyer_user", lambda w: reverse("api:proposal-list")),
    "request near-misses": (
        "buyer_user",
        lambda w: reverse("api:request-near-miss-list", args=[w.request.pk]),
    ),
    "near-misses": ("supplier_user", lambda w: reverse("api:near-miss-list")),
    "notifications": ("supplier_user", lambda w: reverse("api:notification-list")),
    "clusters": (None, lambda w: reverse("api:cluster-list")),
    "cluster members": (
        "manager",
        lambda w: reverse("api:cluster-member-list", args=[w.cluster.pk]),
    ),
    "memberships": ("supplier_user", lambda w: reverse("api:membership-list")),
    "cluster broadcasts": (
        "manager",
        lambda w: reverse("api:cluster-broadcast-list", args=[w.cluster.pk]),
    ),
    "broadcasts": ("supplier_user", lambda w: reverse("api:broadcast-list")),
    "certifications": ("supplier_user", lambda w: reverse("api:certification-list")),
    "product lines": ("supplier_user", lambda w: reverse("api:product-line-list")),
    "saved searches": ("buyer_user", lambda w: reverse("api:saved-search-list")),
    "match runs": ("staff", lambda w: reverse("api:match-run-list")),
    "cluster analytics": (
        "manager",
        lambda w: reverse("api:cluster-analytics", args=[w.cluster.pk]),
    ),
}


@dataclass
class Drawing:
    status: int
    queries: list[str]


def draw(world: World, page: Page, *, api: bool) -> Drawing:
    who, address = page
    client: Client = APIClient() if api else Client()
    user = getattr(world, who) if who else None
    if user is not None:
        if api:
            client.force_authenticate(user=user)  # type: ignore[attr-defined]
        else:
            client.force_login(user)
    url = address(world)
    # Warm what one process keeps between requests (the engine index, the site's
    # settings, the content types), then count a request as a later visitor sees it;
    # cached fragments are dropped so the count is the page's own work.
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    cache.clear()
    return Drawing(response.status_code, [q["sql"] for q in captured.captured_queries])


@dataclass
class Budgets:
    small: dict[str, Drawing]
    large: dict[str, Drawing]


@pytest.fixture(scope="module")
def budgets(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[Budgets]:
    every = {f"page {k}": (v, False) for k, v in PAGES.items()} | {
        f"api {k}": (v, True) for k, v in API_LISTS.items()
    }
    with built_once(django_db_blocker):
        world = build()
        small = {name: draw(world, page, api=api) for name, (page, api) in every.items()}
        grow(world, 2 * N)
        large = {name: draw(world, page, api=api) for name, (page, api) in every.items()}
        yield Budgets(small, large)


def _shape(sql: str) -> str:
    """The query with its literals blanked, so the same question for two rows is one."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def _repeated(small: list[str], large: list[str]) -> str:
    grew = Counter(map(_shape, large)) - Counter(map(_shape, small))
    return "\n".join(f"  +{times} x {sql[:300]}" for sql, times in grew.most_common(5))


@pytest.mark.django_db
@pytest.mark.parametrize("name", [f"page {k}" for k in PAGES] + [f"api {k}" for k in API_LISTS])
def test_query_count_does_not_grow_with_rows(budgets: Budgets, name: str) -> None:
    # given the page drawn with N rows of everything, then with 3N
    small, large = budgets.small[name], budgets.large[name]
    # then both answered, with the same number of queries
    assert small.status == 200, f"{name} answered {small.status}"
    assert large.status == 200, f"{name} answered {large.status}"
    if len(large.queries) > len(small.queries):
        pytest.fail(
            f"{name}: {len(small.queries)} queries with {N} rows of each kind, "
            f"{len(large.queries)} with {3 * N}; repeated per row:\n"
            + _repeated(small.queries, large.queries),
            pytrace=False,
        )
