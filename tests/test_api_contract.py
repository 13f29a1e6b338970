"""The API's input contract: every serializer of the project refuses what it cannot
take, lists its fields one by one, and the schema says which errors each operation
answers; ``page`` and ``page_size`` are checked."""

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers as drf

from sme_platform.api import serializers
from sme_platform.api.serializers import QuerySerializer, RefuseUnknownFields

BASES = {serializers.Serializer, serializers.ModelSerializer, serializers.QuerySerializer}

PROJECT_PACKAGES = (
    "sme_platform",
    "companies",
    "notifications",
    "clusters",
    "matching",
    "consortia",
    "workspaces",
)


def _import_all() -> None:
    for name in PROJECT_PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            # Settings modules configure a process; management commands import nothing new.
            if any(part in module.name for part in (".migrations", ".settings", ".management")):
                continue
            importlib.import_module(module.name)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_serializers() -> list[type]:
    _import_all()
    found = {
        cls
        for cls in _subclasses(drf.BaseSerializer)
        if cls.__module__.split(".")[0] in PROJECT_PACKAGES
        and not issubclass(cls, drf.ListSerializer)
    } - BASES
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


SERIALIZERS = project_serializers()


def writable(cls: type) -> bool:
    try:
        fields = cls().fields
    except TypeError:
        return True
    return any(not field.read_only for field in fields.values())


WRITE_SERIALIZERS = [
    cls for cls in SERIALIZERS if not issubclass(cls, QuerySerializer) and writable(cls)
]


def label(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_the_project_has_serializers_to_check():
    assert len(SERIALIZERS) > 80
    assert len(WRITE_SERIALIZERS) > 25


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=label)
def test_no_serializer_takes_every_field_of_its_model(serializer_class):
    meta = getattr(serializer_class, "Meta", None)
    assert getattr(meta, "fields", None) != "__all__"
    assert getattr(meta, "exclude", None) is None


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=label)
def test_every_serializer_derives_from_the_refusing_bases(serializer_class):
    assert issubclass(serializer_class, RefuseUnknownFields), (
        "import serializers from sme_platform.api, not from rest_framework"
    )


@pytest.mark.parametrize("serializer_class", WRITE_SERIALIZERS, ids=label)
def test_every_write_serializer_refuses_unknown_and_read_only_fields(serializer_class):
    # given input with a misspelt field and fields only the platform sets
    protected = [
        name
        for name in ("owner", "is_staff", "verification", "role", "organisation", "created_at")
        if name not in serializer_class().fields or serializer_class().fields[name].read_only
    ]
    data = {"no_such_field": "x", **dict.fromkeys(protected, "1")}

    # when it is validated
    serializer = serializer_class(data=data, partial=True)

    # then each is refused by name, before anything else is looked at
    assert not serializer.is_valid()
    errors = serializer.errors
    assert errors["non_field_errors"] == ["Unknown field(s): no_such_field."]
    for name in protected:
        assert errors[name] == [f"{name} is read-only."]


def test_a_query_serializer_lets_the_paginators_parameters_pass():
    from companies.api.taxonomies import HsCodeSearchApi

    serializer = HsCodeSearchApi.FilterSerializer(data={"q": "cotton", "page": "2"})
    assert serializer.is_valid(), serializer.errors


# SCHEMA
# ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_every_operation_documents_its_errors_in_the_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        for code in ("401", "429"):
            assert code in responses, (method, path, code)
        if method != "GET" or any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert "400" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if method != "GET":
            assert "403" in responses, (method, path)
        for code, response in responses.items():
            if code >= "400":
                assert response["content"]["application/json"]["schema"] == error, (path, code)
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"message", "errors"}


def test_page_and_page_size_are_typed_with_their_limits(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/proposals/"]["get"]["parameters"]}
    assert parameters["page_size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 20,
    }
    assert parameters["page"]["schema"]["type"] == "integer"
    assert parameters["page"]["schema"]["minimum"] == 1


# PAGINATION
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=-5", "page_size"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=1.5", "page"),
    ],
)
def test_a_bad_page_or_page_size_is_a_400_naming_it(api_client, db, query, field):
    response = api_client.get(f"/api/v1/taxonomies/hs/?{query}")

    assert response.status_code == 400
    assert response.json()["message"] == "Validation error"
    assert field in response.json()["errors"]
    assert "whole number from 1 to" in response.json()["errors"][field][0]


def test_a_page_size_in_range_is_used(api_client, db):
    response = api_client.get("/api/v1/taxonomies/hs/?page_size=7&page=2")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 7


def test_a_page_past_the_last_is_a_404_in_the_error_shape(api_client, db):
    response = api_client.get("/api/v1/taxonomies/hs/?page=999999")

    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}


def test_an_unknown_api_path_is_a_404_in_the_error_shape(api_client):
    for response in (
        api_client.get("/api/v1/no-such-thing/"),
        api_client.get("/api/v1/organisations/Z%0A%0C/"),
        api_client.post("/api/v1/clusters/-4/apply/", {"message": "hi"}),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"message": "Not found.", "errors": {}}


def test_an_id_beyond_any_database_column_is_a_404(api_as, buyer_user):
    response = api_as(buyer_user).get(f"/api/v1/requests/{2**70}/")

    assert response.status_code == 404


def test_settings_keep_the_project_exception_handler():
    assert settings.REST_FRAMEWORK["EXCEPTION_HANDLER"] == "sme_platform.errors.exception_handler"


# ACTIONS WITHOUT A BODY
# ------------------------------------------------------------------------------


def test_an_action_that_reads_no_body_refuses_fields(api_as, buyer_user, notification_factory):
    # given an unread notice
    notice = notification_factory(user=buyer_user)

    # when the client sends fields to an action that takes none
    response = api_as(buyer_user).post(
        "/api/v1/notifications/read-all/", {"status": "read", "user": 1}, format="json"
    )

    # then it is told, and nothing was marked
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["Unknown field(s): status, user."]}
    notice.refresh_from_db()
    assert notice.read_at is None

    # and without fields the action runs
    assert api_as(buyer_user).post("/api/v1/notifications/read-all/").status_code == 200
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_every_write_handler_declares_its_body_in_the_schema():
    from sme_platform.api.views import Api

    _import_all()
    for view in _subclasses(Api):
        for method in ("post", "put", "patch"):
            handler = view.__dict__.get(method)
            if handler is not None:
                assert getattr(handler, "kwargs", {}).get("schema") is not None, (view, method)
