"""The access matrix: every route of the site, as every role, against objects that are
someone else's.

The routes come from the URL resolver (``tests/access/routes.py``), so a route added
later is probed without anyone writing a test for it; the world has two closed sides,
each with its SME, buyer and cluster (``tests/access/world.py``). For each route and
role the test:

- opens the route on the objects the role may see, and searches the answer for the
  markers of every private thing and every e-mail address the role may not see;
- sends each method the route answers (GET, and POST, PUT, PATCH or DELETE with a
  body shaped like the operation's input) on the objects it may not see, and expects
  404: 403 only where a missing object gets 403 too (the role may not use the route
  at all), anonymous visitors a redirect to the log-in page or the API's 401/403;
  and the database unchanged.
"""

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoDbBlocker

from tests.access.probes import body_of, fingerprint, is_login_redirect, leaks, send
from tests.access.routes import QUERIES, Route, all_routes
from tests.access.world import ROLES, SIDES, World, build_world, may_see, side_of
from tests.built_once import built_once

pytestmark = pytest.mark.django_db

ROUTES = all_routes()
WRITES = ("post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def world_once(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[World]:
    with built_once(django_db_blocker):
        yield build_world()


@pytest.fixture
def world(world_once: World, db: None) -> World:
    # The tests read ids and names only; each one's writes roll back at its end.
    return world_once


def _refusal_problem(
    route: Route, role: str, method: str, status: int, ghost: "Ghost", redirected: bool
) -> str | None:
    """Why an answer about someone else's object is not a refusal that tells nothing."""
    if status >= 500:
        return f"server error {status}"
    if status in (404, 405):
        return None
    if role == "anon" and (
        (route.is_api and status in (401, 403)) or (not route.is_api and redirected)
    ):
        return None
    if status == 403 and ghost.status(method) == 403:
        return None  # the role may not use this route at all, whoever's the object
    if 300 <= status < 500 and status != 403 and ghost.status(method) == status:
        return None  # answered as for a missing object, before any lookup
    return f"answered {status} (a missing object: {ghost.status(method)}), expected 404"


class Ghost:
    """The route on objects that do not exist, asked only when an answer needs it."""

    def __init__(self, client: Client, route: Route, url: str) -> None:
        self.client, self.route, self.url = client, route, url
        self.statuses: dict[str, int] = {}

    def status(self, method: str) -> int:
        if method not in self.statuses:
            self.statuses[method] = send(self.client, self.route, self.url, method).status_code
        return self.statuses[method]


def _read(
    route: Route, role: str, world: World, client: Client, url: str, sides: dict[str, str], own: str
) -> list[str]:
    """The route's answers the role may have, searched for what it may not see."""
    problems = []
    asked: list[tuple[str, dict[str, tuple[str, str]]]] = [(url, {})]
    for query in QUERIES.get(route.name, []):
        # A list's filters are tried on each side's objects; an object's, on its own.
        for name in SIDES if not route.kwargs else (sides.get(route.kwargs[0], own),):
            string, secrets = query(world, world.sides[name])
            asked.append((url + string, {m: (kind, name) for m, kind in secrets.items()}))
    for address, extra in asked:
        response = client.get(address)
        if response.status_code >= 500:
            problems.append(f"GET {address}: server error {response.status_code}")
        for leak in leaks(world, role, body_of(response), url, extra):
            problems.append(f"GET {address} shows {leak}")
    return problems


def _probe(route: Route, role: str, world: World, client: Client) -> list[str]:
    problems: list[str] = []
    kinds = route.kinds()
    own = side_of(role) or "a"
    fills = route.sides_to_fill(own) if route.kwargs else [{}]
    seen_urls: set[str] = set()
    for sides in fills:
        url = reverse(route.name, kwargs=route.fill(world, sides))
        if url in seen_urls:
            continue
        seen_urls.add(url)
        hidden = {k: kind for k, kind in kinds.items() if not may_see(role, kind, sides[k])}
        if not hidden:
            if "get" in route.methods:
                problems += _read(route, role, world, client, url, sides, own)
            continue
        ghost = Ghost(client, route, reverse(route.name, kwargs=route.ghost(world, sides)))
        what = ", ".join(f"side {sides[k]}'s {kind}" for k, kind in hidden.items())
        before = fingerprint() if any(m in WRITES for m in route.methods) else None
        for method in route.methods:
            response = send(client, route, url, method)
            if method == "get":
                for leak in leaks(world, role, body_of(response), url):
                    problems.append(f"GET {url} ({what}) shows {leak}")
            problem = _refusal_problem(
                route, role, method, response.status_code, ghost, is_login_redirect(response)
            )
            if problem:
                problems.append(f"{method.upper()} {url} ({what}): {problem}")
            if method in WRITES and before is not None:
                after = fingerprint()
                if after != before:
                    problems.append(f"{method.upper()} {url} ({what}) changed the database")
                    before = after
    return problems


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=[route.id for route in ROUTES])
def test_route_refuses_what_is_not_the_roles(
    route: Route, role: str, world: World, client: Client
) -> None:
    unknown = route.unknown_kwargs()
    assert not unknown, (
        f"The access matrix cannot fill {unknown} of the route {route.name!r} "
        f"({route.path}): say which object of the world fills it, and who may see "
        "that object, in FILL_BY_ROUTE or FILL_BY_KWARG of tests/access/routes.py "
        "(or PUBLIC_ROUTES, if the route is public by design)."
    )
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    problems = _probe(route, role, world, client)
    assert not problems, f"As {role}:\n" + "\n".join(problems)


# Routes every role may open as they are: lists, searches, dashboards, public pages.
SHARED = [r for r in ROUTES if "get" in r.methods and not r.kinds() and not r.unknown_kwargs()]


@pytest.mark.parametrize("route", SHARED, ids=[route.id for route in SHARED])
def test_a_cached_answer_is_never_shown_to_another_role(
    route: Route, world: World, client: Client
) -> None:
    """The roles open the route one after the other with the cache kept between them,
    so a page or fragment cached for one role and served to the next is caught."""
    problems = []
    for role in ROLES:
        user = world.user(role)
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        sides = dict.fromkeys(route.kwargs, "a")
        url = reverse(route.name, kwargs=route.fill(world, sides))
        for leak in leaks(world, role, body_of(client.get(url)), url):
            problems.append(f"As {role}, GET {url} shows {leak}")
    assert not problems, "\n".join(problems)


def test_every_route_is_in_the_matrix() -> None:
    """The resolver's routes are found, pages and API alike (a guard on the walk)."""
    names = {route.name for route in ROUTES}
    assert {"home", "request-detail", "api:request-detail", "api:proposal-accept"} <= names
    assert len([route for route in ROUTES if route.is_api]) > 50


def test_an_argument_nobody_registered_fails_its_route() -> None:
    """A route added with an argument the tables do not know is not silently skipped."""
    route = Route(
        name="widget-detail",
        path="widgets/<int:widget_id>/",
        kwargs=("widget_id",),
        methods=("get",),
    )
    assert route.unknown_kwargs() == ["widget_id"]
    assert Route(name="api:request-detail", path="", kwargs=("pk",), methods=()).kinds() == {
        "pk": "request"
    }


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anon"])
def test_admin_is_for_staff_only(role: str, world: World, client: Client) -> None:
    user = world.user(role)
    assert user is not None
    client.force_login(user)
    for url in (
        reverse("admin:index"),
        reverse("admin:matching_sourcingrequest_change", args=[world.sides["b"].request.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


# Where each kind of private thing is shown to a role that may see it: the markers
# are really in the pages, so not finding them elsewhere means something.
SHOWN_TO: dict[str, tuple[str, list[str], bool]] = {
    "request": ("buyer", ["request-list"], False),
    "draft_request": ("buyer", ["request-list"], False),
    "saved_search": ("buyer", ["saved-search-list"], False),
    "notification": ("sme", ["notification-list"], False),
    # The list, and the imported firms awaiting their claim on the manage page.
    "member_import": ("manager", ["cluster-imports", "cluster-manage"], True),
    "broadcast": ("manager", ["cluster-broadcasts"], True),
    "membership": ("manager", ["cluster-manage"], True),
    "invitation": ("sme", ["colleague-list"], False),
    "certification": ("sme", ["certification-list"], False),
    "proposal": ("sme", ["proposal-list"], False),
    "consortium": ("manager", ["cluster-consortium-list"], True),
}


@pytest.mark.parametrize("side_name", SIDES)
def test_the_markers_are_found_where_they_may_be_seen(
    side_name: str, world: World, client: Client
) -> None:
    side = world.sides[side_name]
    missing = []
    for marker, kind in side.secrets.items():
        slot, names, by_cluster = SHOWN_TO[kind]
        client.force_login(side.users[slot])
        urls = [reverse(n, kwargs={"slug": side.cluster.slug} if by_cluster else {}) for n in names]
        if not any(marker in body_of(client.get(url)) for url in urls):
            missing.append(f"{kind} {marker!r} on {urls} as {slot}")
    assert not missing, missing


def test_the_addresses_allowed_are_shown_where_allowed(world: World, client: Client) -> None:
    """Side A's buyer and SME are linked, and its SME shares its contacts with its
    cluster: the exceptions the matrix allows are real, not addresses shown nowhere."""
    side = world.sides["a"]
    client.force_login(side.users["buyer"])
    linkage = body_of(client.get(reverse("proposal-detail", args=[side.linkage.pk])))
    assert side.contact.email in linkage
    client.force_login(side.users["manager"])
    manage = body_of(client.get(reverse("cluster-manage", args=[side.cluster.slug])))
    assert side.users["sme"].email in manage


# Writes only an organisation's owners may make; a colleague without the owner's role
# is refused them on the page and in the API, with a body that would otherwise work.
OWNER_ONLY = ["colleague-invite", "api:invitation-list"]


@pytest.mark.parametrize("name", OWNER_ONLY)
def test_a_colleague_without_rights_is_refused_owners_writes(
    name: str, world: World, client: Client
) -> None:
    user = world.user("colleague_a")
    assert user is not None
    client.force_login(user)
    before = fingerprint()
    body = {"email": "new.colleague@sme.example", "role": "owner"}
    if name.startswith("api:"):
        response = client.post(reverse(name), body, content_type="application/json")
    else:
        response = client.post(reverse(name), body)
    assert response.status_code == 403
    assert fingerprint() == before


def test_counts_leave_out_what_the_role_may_not_see(world: World, client: Client) -> None:
    """A count tells no marker, so the matrix checks these by number: a cluster's
    analytics count the requests its managers may see (side A's confidential and public
    ones, side B's public one; not side B's confidential request, which side A's SME
    only nearly fits), and the public page counts no unlisted member."""
    side = world.sides["a"]
    client.force_login(side.users["manager"])
    analytics = client.get(reverse("api:cluster-analytics", args=[side.cluster.pk])).json()
    assert analytics["requests_considered"] == 3
    assert analytics["near_misses"] == []
    client.force_login(world.sides["b"].users["buyer"])
    page = client.get(reverse("api:cluster-detail", args=[side.cluster.pk])).json()
    assert page["members"] == []
    assert page["capabilities"]["member_count"] == 0
