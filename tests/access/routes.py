"""Every route of the site, read from the URL resolver, and how the matrix fills its
URL arguments from the world.

A route added later is probed by itself. Filling is data-driven: an argument is
looked up by URL name and argument name first (``FILL_BY_ROUTE``), then by argument
name alone (``FILL_BY_KWARG``). An argument neither table knows makes the route's
tests fail with a message saying where to register it; nothing is skipped.

Each entry names the world's object that fills the argument and the *kind* that
decides who may see it (``tests/access/world.py``: ``SEEN_BY``).
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from companies import uploads
from tests.access.world import SIDES, Side, World
from workspaces.selectors import ANALYTICS_TABLES

# Whole URL namespaces left out of the matrix, and why.
EXCLUDED_NAMESPACES = {
    # Django's admin site: staff only, its own log-in for everyone else
    # (test_access_matrix.test_admin_is_for_staff_only shows it).
    "admin",
}

# Routes public by design: every role may use them, so they are never probed as
# someone else's object. Their bodies are still searched for private markers and
# e-mails like every other route's.
PUBLIC_ROUTES = {
    # Pages anyone may open, and signing up, in and out.
    "home": "the home page",
    "login": "logging in",
    "logout": "logging out",
    "signup": "signing up",
    "password_reset": "asking for a password reset",
    "password_reset_done": "password reset sent",
    "password_reset_complete": "password reset done",
    # A token in the URL is the credential itself; the matrix fills an unknown one.
    "password_reset_confirm": "a password reset link",
    "invitation-accept": "a colleague's invitation link",
    "cluster-invitation": "a cluster's invitation link",
    "notifications-unsubscribe": "an e-mail's unsubscribe link",
    "email-confirm": "an e-mail confirmation link",
    # Public profiles and pages of approved clusters and registered organisations.
    "organisation-profile": "an organisation's public profile",
    "api:organisation-detail": "an organisation's public profile",
    "cluster-page": "an approved cluster's public page",
    "api:cluster-detail": "an approved cluster's public page",
    # Any SME may apply to an approved cluster.
    "cluster-apply": "applying to a cluster",
    "api:cluster-apply": "applying to a cluster",
    # Taxonomies, the schema and the health check.
    "api:taxonomy-provinces": "a country's provinces",
    "api-schema": "the OpenAPI schema",
    "api-docs": "the API's documentation",
    "healthz": "the health check",
    # Any other path under /api/ is a JSON 404, whoever asks.
    "api-not-found": "an unknown API path",
}

Filler = Callable[[World, Side], Any]
# (what fills the argument, the kind deciding who may see it; None: not an object)
Fill = tuple[Filler, str | None]

GHOST_ID = 987_654_321
GHOST_TEXT = "no-such-zephyr"


def _attr(name: str) -> Filler:
    def fill(world: World, side: Side) -> Any:
        obj = getattr(side, name)
        return obj if isinstance(obj, int) else obj.pk

    return fill


def _const(value: Any) -> Filler:
    return lambda world, side: value


def _evidence_name(world: World, side: Side) -> str:
    handle = side.certification.evidence.open("rb")
    try:
        return uploads.served_name(side.certification.pk, uploads.detect_file(handle))
    finally:
        handle.close()


_SME, _CLUSTER = _attr("sme"), _attr("cluster")
_CLUSTER_SLUG: Filler = lambda world, side: side.cluster.slug  # noqa: E731
_PUBLIC_TOKEN: Fill = (_const(GHOST_TEXT), None)

FILL_BY_KWARG: dict[str, Fill] = {
    "organisation_id": (_SME, "organisation"),
    "cluster_id": (_CLUSTER, "managed_cluster"),
    "membership_id": (_attr("membership"), "membership"),
    "import_id": (_attr("member_import"), "member_import"),
    "broadcast_id": (_attr("broadcast"), "broadcast"),
    "linkage_pk": (_attr("linkage"), "linkage"),
    "country_code": (_const("VN"), None),
    "table": (_const(next(iter(ANALYTICS_TABLES))), None),
    "filename": (_evidence_name, None),
}

_PK: dict[str, tuple[str, str]] = {
    # URL name (pages, or the API's without "api:") -> (the side's object, its kind)
    "organisation-edit": ("sme", "organisation"),
    "certification-evidence": ("certification", "certification"),
    "certification-evidence-file": ("certification", "certification"),
    "certification-delete": ("certification", "certification"),
    "certification-detail": ("certification", "certification"),
    "staff-certification-check": ("certification", "staff_only"),
    "product-line-edit": ("product_line_id", "product_line"),
    "product-line-delete": ("product_line_id", "product_line"),
    "product-line-detail": ("product_line_id", "product_line"),
    "contact-edit": ("contact", "contact"),
    "contact-delete": ("contact", "contact"),
    "contact-detail": ("contact", "contact"),
    "notification-read": ("notification", "notification"),
    "cluster-import-detail": ("member_import", "member_import"),
    "cluster-import-apply": ("member_import", "member_import"),
    "cluster-import-report": ("member_import", "member_import"),
    "cluster-membership-action": ("membership", "membership"),
    "my-membership-accept": ("membership", "membership"),
    "my-membership-consent": ("membership", "membership"),
    "my-membership-action": ("membership", "membership"),
    "request-detail": ("request", "request"),
    "request-edit": ("request", "request"),
    "request-open": ("draft_request", "draft_request"),
    "request-close": ("request", "request"),
    "request-linkage-award": ("public_request", "linkage"),
    "request-near-miss-list": ("request", "request"),
    "request-invitation": ("request", "request"),
    "request-consortium-list": ("request", "request"),
    "saved-search-delete": ("saved_search", "saved_search"),
    "saved-search-detail": ("saved_search", "saved_search"),
    "proposal-detail": ("proposal", "proposal"),
    "proposal-accept": ("proposal", "proposal"),
    "proposal-decline": ("proposal", "proposal"),
    "match-run-detail": ("match_run", "match_run"),
    "cluster-broadcast-detail": ("broadcast", "broadcast"),
    "my-broadcast-detail": ("broadcast", "broadcast"),
    "cluster-consortium-detail": ("consortium", "consortium"),
    "cluster-consortium-propose": ("consortium", "consortium"),
    "cluster-consortium-withdraw": ("consortium", "consortium"),
    "consortium-detail": ("consortium", "consortium"),
    "consortium-accept": ("consortium", "consortium"),
    "consortium-decline": ("consortium", "consortium"),
}


def _pk_fill(attr: str, kind: str) -> Fill:
    if attr == "match_run":
        return (lambda world, side: world.match_run.pk), kind
    return _attr(attr), kind


FILL_BY_ROUTE: dict[tuple[str, str], Fill] = {
    **{(name, "pk"): _pk_fill(*target) for name, target in _PK.items()},
    ("api:organisation-detail", "organisation_id"): (_SME, "public"),
    ("api:staff-organisation-verification", "organisation_id"): (_SME, "staff_only"),
    ("api:cluster-detail", "cluster_id"): (_CLUSTER, "public"),
    ("api:cluster-apply", "cluster_id"): (_CLUSTER, "public"),
    ("api:staff-cluster-review", "cluster_id"): (_CLUSTER, "staff_only"),
    ("organisation-profile", "slug"): ((lambda world, side: side.sme.slug), "public"),
    ("cluster-page", "slug"): (_CLUSTER_SLUG, "public"),
    ("cluster-apply", "slug"): (_CLUSTER_SLUG, "public"),
    ("cluster-membership-action", "action"): (_const("suspend"), None),
    ("my-membership-action", "action"): (_const("leave"), None),
    ("cluster-manager-change", "action"): (_const("add"), None),
    ("password_reset_confirm", "uidb64"): (_const("MTIzNDU2Nzg5"), None),
    ("password_reset_confirm", "token"): _PUBLIC_TOKEN,
    ("invitation-accept", "token"): _PUBLIC_TOKEN,
    ("cluster-invitation", "token"): _PUBLIC_TOKEN,
    ("notifications-unsubscribe", "token"): _PUBLIC_TOKEN,
    ("email-confirm", "token"): _PUBLIC_TOKEN,
}


# Searches and filters tried beyond the route's bare answer, and what each answer must
# not show beyond the private markers: route -> (world, side) -> (query string,
# {marker: kind of that side}). Unlisted members are public firms, but not as members.
Query = Callable[[World, Side], tuple[str, dict[str, str]]]


def _cluster_filter(text: str) -> Query:
    """Found by the words alone, the side's SME must not be found as the cluster's."""

    def query(world: World, side: Side) -> tuple[str, dict[str, str]]:
        return f"?q={text}&cluster={side.cluster.pk}", {side.sme.legal_name: "membership"}

    return query


def _members_of(world: World, side: Side) -> tuple[str, dict[str, str]]:
    return "", {side.sme.legal_name: "membership"}


def _text(query: str, param: str = "q") -> Query:
    return lambda world, side: (f"?{param}={query}", {})


QUERIES: dict[str, list[Query]] = {
    "supplier-search": [_cluster_filter("knitted")],
    "api:supplier-search": [_cluster_filter("knitted")],
    "cluster-page": [_members_of],
    "api:cluster-detail": [_members_of],
    "open-requests": [_text("confidential+tees")],
    "api:open-request-list": [_text("confidential+tees")],
    "request-list": [_text("confidential+tees")],
    "api:request-list": [_text("confidential+tees")],
    "supplier-directory": [_text("knit", param="text")],
    "api:organisation-list": [_text("knit")],
    "cluster-directory": [_text("knit")],
    "api:cluster-list": [_text("knit")],
}


# Other objects a route is also probed on, each as a route of its own in the matrix
# (named "<route>~<label>"): (URL name, argument) -> [(label, fill)].
_UNCLAIMED_SLUG: Filler = lambda world, side: side.unclaimed.slug  # noqa: E731

ALTERNATIVES: dict[tuple[str, str], list[tuple[str, Fill]]] = {
    # A profile a cluster imported is not public until the firm claims it.
    ("organisation-profile", "slug"): [("unclaimed", (_UNCLAIMED_SLUG, "member_import"))],
    ("api:organisation-detail", "organisation_id"): [
        ("unclaimed", (_attr("unclaimed"), "member_import"))
    ],
    # A linkage's page is where contact details appear.
    ("proposal-detail", "pk"): [("linkage", (_attr("linkage"), "linkage"))],
    ("api:proposal-detail", "pk"): [("linkage", (_attr("linkage"), "linkage"))],
    # A request's page shows its proposals and consortia; a draft is its buyer's alone.
    ("request-detail", "pk"): [("draft", (_attr("draft_request"), "draft_request"))],
    ("api:request-detail", "pk"): [("draft", (_attr("draft_request"), "draft_request"))],
}


def _slug_fill(name: str) -> Fill | None:
    # Every other page under clusters/<slug>/ is one of the cluster's managers' own.
    return (_CLUSTER_SLUG, "managed_cluster") if name.startswith("cluster-") else None


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # as the resolver spells it, e.g. "api/v1/requests/<int:pk>/"
    kwargs: tuple[str, ...]
    methods: tuple[str, ...]
    variant: str = ""  # the label of an alternative object (ALTERNATIVES)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("api/v1/")

    @property
    def id(self) -> str:
        return f"{self.name}~{self.variant}" if self.variant else self.name

    def fill_of(self, kwarg: str) -> Fill | None:
        for label, fill in ALTERNATIVES.get((self.name, kwarg), []):
            if label == self.variant:
                return fill
        bare = self.name.removeprefix("api:")
        for key in ((self.name, kwarg), (bare, kwarg)):
            if key in FILL_BY_ROUTE:
                return FILL_BY_ROUTE[key]
        if kwarg in FILL_BY_KWARG:
            return FILL_BY_KWARG[kwarg]
        if kwarg == "slug":
            return _slug_fill(bare)
        return None

    def unknown_kwargs(self) -> list[str]:
        return [kwarg for kwarg in self.kwargs if self.fill_of(kwarg) is None]

    def kinds(self) -> dict[str, str]:
        """The kind of object each argument names (a public route's: none)."""
        if self.name in PUBLIC_ROUTES and not self.variant:
            return {}
        kinds = {}
        for kwarg in self.kwargs:
            fill = self.fill_of(kwarg)
            if fill is not None and fill[1] is not None and fill[1] != "public":
                kinds[kwarg] = fill[1]
        return kinds

    def sides_to_fill(self, own: str) -> list[dict[str, str]]:
        """Which side's object fills each argument: all of one side, then for a nested
        route (a cluster's import) the role's own parent with the other side's child."""
        fills = [dict.fromkeys(self.kwargs, side) for side in SIDES]
        objects = list(self.kinds())
        if len(objects) > 1:
            other = next(side for side in SIDES if side != own)
            parent = objects[0]
            fills.append({kwarg: own if kwarg == parent else other for kwarg in self.kwargs})
        return fills

    def fill(self, world: World, sides: dict[str, str]) -> dict[str, Any]:
        kwargs = {}
        for kwarg in self.kwargs:
            fill = self.fill_of(kwarg)
            assert fill is not None
            kwargs[kwarg] = fill[0](world, world.sides[sides[kwarg]])
        return kwargs

    def ghost(self, world: World, sides: dict[str, str]) -> dict[str, Any]:
        """The arguments naming objects that do not exist (the others as filled)."""
        kwargs = self.fill(world, sides)
        for kwarg in self.kwargs:
            fill = self.fill_of(kwarg)
            if fill is not None and fill[1] is not None:
                kwargs[kwarg] = GHOST_ID if isinstance(kwargs[kwarg], int) else GHOST_TEXT
        return kwargs


_API_METHODS = ("get", "post", "put", "patch", "delete")


def _methods(callback: Callable[..., Any]) -> tuple[str, ...]:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        found = tuple(m for m in _API_METHODS if hasattr(view_class, m))
        return found or ("get",)
    # A page function: what it answers to is decided inside it, so try both.
    return ("get", "post")


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str | None
) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            if inner and inner.split(":")[0] in EXCLUDED_NAMESPACES:
                continue
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            continue
        path = prefix + str(pattern.pattern)
        if not pattern.name:
            raise AssertionError(f"The route {path!r} has no name: name it so the matrix can.")
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        route = Route(
            name=name,
            path=path,
            kwargs=tuple(pattern.pattern.converters),
            methods=_methods(pattern.callback),
        )
        yield route
        for kwarg in route.kwargs:
            for label, _fill in ALTERNATIVES.get((name, kwarg), []):
                yield replace(route, variant=label)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", None))


def schema_path(route: Route) -> str:
    """The route as the OpenAPI schema spells it: ``/api/v1/requests/{pk}/``."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.path)
