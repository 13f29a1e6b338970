"""What the matrix sends and what it checks in each answer."""

import hashlib
import json
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from tests.access.routes import Route, schema_path
from tests.access.world import SIDES, World, may_see

# The apps whose rows a refused write must leave as they were.
PROJECT_APPS = (
    "companies",
    "notifications",
    "clusters",
    "matching",
    "consortia",
    "workspaces",
    "sme_platform",
)
# Written by logging in, not by the request probed.
VOLATILE_FIELDS: dict[tuple[str, str | None], set[str]] = {("companies", "user"): {"last_login"}}

# A page's form takes the fields it knows and ignores the rest: one body serves them
# all, plausible enough that a form which found its object would act on it.
FORM_BODY = {
    "accept": "on",
    "reason": "price",
    "note": "probe",
    "title": "Probe title",
    "name": "Probe",
    "subject": "Probe subject",
    "body": "Probe body",
    "message": "probe",
    "description": "Probe description",
    "legal_name": "Probe Ltd",
    "email": "probe@probe.example",
    "user": "probe@probe.example",
    "phone": "+1 555 0100",
    "position": "Probe",
    "status": "verified",
    "share_contacts": "on",
    "listed_publicly": "on",
    "hs_code": "610910",
    "monthly_capacity": "1000",
    "unit": "pieces",
    "min_order_quantity": "1",
    "volume_per_month": "1000",
    "visibility": "public",
    "deadline": "2030-01-01",
    "country": "VN",
    "confirm": "on",
}


@cache
def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = _schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in node and node[combined]:
            node = _resolve(node[combined][0])
    return node


def _example(node: dict[str, Any], depth: int = 0) -> Any:
    node = _resolve(node)
    if "enum" in node:
        return next((value for value in node["enum"] if value not in ("", None)), None)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        if depth > 3:
            return {}
        return {
            name: _example(prop, depth + 1)
            for name, prop in node.get("properties", {}).items()
            if not prop.get("readOnly")
        }
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    formats = {"email": "probe@probe.example", "date": "2030-01-01", "uri": "https://probe.example"}
    if node.get("format") == "date-time":
        return "2030-01-01T00:00:00Z"
    return formats.get(node.get("format", ""), "probe")


def api_body(route: Route, method: str) -> dict[str, Any]:
    """A body shaped as the schema documents the operation's input."""
    operation = _schema().get("paths", {}).get(schema_path(route), {}).get(method, {})
    content = operation.get("requestBody", {}).get("content", {})
    media = content.get("application/json") or next(iter(content.values()), None)
    if not media:
        return {}
    body = _example(media["schema"])
    return body if isinstance(body, dict) else {}


def send(client: Client, route: Route, url: str, method: str) -> Any:
    if method == "get":
        return client.get(url)
    if route.is_api:
        return getattr(client, method)(
            url, data=json.dumps(api_body(route, method)), content_type="application/json"
        )
    if method == "post":
        return client.post(url, FORM_BODY)
    return getattr(client, method)(url)


def body_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def leaks(
    world: World, role: str, body: str, url: str, extra: dict[str, tuple[str, str]] | None = None
) -> list[str]:
    """The markers and e-mail addresses in a body that the role may not see; ``extra``
    adds markers that only this answer must not show (marker -> kind, side)."""
    # A page may name the address it was asked for (a 404's link back, a next=).
    body = body.replace(url, "")
    found = []
    for side_name in SIDES:
        side = world.sides[side_name]
        for marker, kind in side.secrets.items():
            if marker in body and not may_see(role, kind, side_name):
                found.append(f"side {side_name}'s {kind} ({marker!r})")
    for marker, (kind, side_name) in (extra or {}).items():
        if marker in body and not may_see(role, kind, side_name):
            found.append(f"side {side_name}'s {kind} ({marker!r}) in this answer")
    for email, owner in world.all_emails().items():
        if email in body and not world.may_see_email(role, owner):
            found.append(f"the e-mail {email} of {owner or 'staff'}")
    return found


def login_url() -> str:
    return reverse(settings.LOGIN_URL)


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(login_url())


# The taxonomies are loaded once and never written by a request: thousands of rows
# that would only slow every digest.
REFERENCE_MODELS = {"hscode", "isiccode", "hsisiclink", "certificationscheme"}


@cache
def _digest_queries() -> tuple[str, ...]:
    queries = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in PROJECT_APPS or (meta.model_name or "") in REFERENCE_MODELS:
            continue
        skip = VOLATILE_FIELDS.get((meta.app_label, meta.model_name), set())
        quote = connection.ops.quote_name
        columns = ", ".join(
            quote(f.column or "") for f in meta.concrete_fields if f.attname not in skip
        )
        # Table and column names come from the models, quoted; no input reaches them.
        queries.append(f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY 1")  # noqa: S608
    return tuple(queries)


def fingerprint() -> str:
    """A digest of every row the project keeps: a refused write leaves it unchanged."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for query in _digest_queries():
            cursor.execute(query)
            digest.update(repr((query, cursor.fetchall())).encode())
    return digest.hexdigest()
