"""Mass assignment: no API write lets a client set who owns a thing, its state or
anyone's rights. For every write operation in the schema, a body naming the owner,
status, verification, role, organisation or ``is_staff`` is refused with a 400 that
names each field, by whichever role may use the operation, and nothing in the
database changes."""

from typing import Any

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator

from tests.api_paths import add_one_of_each, real_path_values
from tests.factories import StaffUserFactory
from tests.worlds import ConsortiumWorld

# What a client might try to set, with values that would matter if taken.
MASS_ASSIGNED = {
    "owner": 1,
    "status": "approved",
    "verification": "verified",
    "role": "owner",
    "organisation": 1,
    "is_staff": True,
}
# Read-only reference data: large, and never written by the API.
UNWATCHED = {"HsCode", "IsicCode", "HsIsicLink", "CertificationScheme"}
PROJECT_APPS = ("companies", "notifications", "clusters", "matching", "consortia")


def write_operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("post", "put", "patch"):
                found.append((method.upper(), path, operation))
    return found


SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
WRITES = write_operations()


def declared_fields(operation: dict[str, Any]) -> set[str]:
    """The fields the operation's body declares (a staff review does take a status)."""
    names: set[str] = set()
    for media in operation.get("requestBody", {}).get("content", {}).values():
        ref = media["schema"].get("$ref", "")
        component = SCHEMA["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
        names.update(component.get("properties", {}))
    return names


def fingerprint() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model of the apps, to show nothing changed."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if model.__name__ not in UNWATCHED
    }


def refuses_by_name(body: dict[str, Any], errors: dict[str, Any]) -> bool:
    """Each field is named, as read-only or among the unknown ones."""
    unknown = " ".join(errors.get("non_field_errors", []))
    return all(errors.get(name) == [f"{name} is read-only."] or name in unknown for name in body)


@pytest.fixture
def world(consortium_world: ConsortiumWorld) -> ConsortiumWorld:
    add_one_of_each(consortium_world)
    return consortium_world


@pytest.mark.parametrize(
    ("method", "path", "operation"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES]
)
def test_writing_owner_status_verification_role_or_staff_is_refused(
    method, path, operation, world, api_as
):
    # given each role, and the world's objects in the path
    assert world.buyer_user is not None
    actors = [world.users["Alpha Knit"], world.buyer_user, world.manager, StaffUserFactory()]
    body = {k: v for k, v in MASS_ASSIGNED.items() if k not in declared_fields(operation)}
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    values = real_path_values(path, names)
    urls = [
        path.format(**{name: ids[i % len(ids)] for name, ids in values.items()})
        for i in range(max((len(ids) for ids in values.values()), default=1))
    ]
    content = operation.get("requestBody", {}).get("content", {"application/json": {}})
    multipart = "application/json" not in content
    before = fingerprint()

    # when each posts the fields
    answers = []
    refused = False
    for url in urls:
        for actor in actors:
            client = api_as(actor)
            if multipart:
                response = getattr(client, method.lower())(url, body, format="multipart")
            else:
                response = getattr(client, method.lower())(url, body, format="json")
            answers.append((url, actor.email, response.status_code))
            # then nobody's write is taken: refused by name, or not theirs to make
            assert response.status_code in (400, 403, 404), (url, actor.email, response.json())
            if response.status_code == 400:
                assert refuses_by_name(body, response.json()["errors"]), response.json()
                refused = True

    # and nothing changed
    assert fingerprint() == before
    assert refused, f"no role reached the refusal: {answers}"
