"""While the database does not answer, pages and the API answer 503 with Retry-After,
never a 500 or a traceback (sme_platform.unavailable). The outage is simulated here by
making every connection attempt fail as a stopped PostgreSQL does;
tests/integration/test_database_outage.py stops a real one."""

import json as json_module
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import RequestFactory
from django.urls import reverse

from matching.models import SourcingRequest
from sme_platform.unavailable import (
    RETRY_AFTER_SECONDS,
    DatabaseUnavailableMiddleware,
    server_error,
    unavailable_message,
)
from tests.matching.test_requests import api_payload

pytestmark = pytest.mark.django_db

# What psycopg says of a stopped server, with what must never reach a visitor.
REFUSED = (
    'connection to server at "db.internal" (10.9.8.7), port 5432 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?"
)
SECRETS = ("db.internal", "10.9.8.7", "5432", "Traceback", "psycopg")


@contextmanager
def database_down(error: Exception | None = None) -> Iterator[None]:
    """Every query of this block fails to reach the database."""
    with mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=error or OperationalError(REFUSED)
    ):
        yield


def assert_clean_503(response, *, json: bool) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body
    if json:
        assert response["Content-Type"] == "application/json"
        assert json_module.loads(body) == {"message": unavailable_message(), "errors": {}}
    else:
        assert response["Content-Type"].startswith("text/html")
        assert "Briefly unavailable" in body
        assert unavailable_message() in body


# PAGES
# ------------------------------------------------------------------------------


def test_a_page_that_loses_the_database_answers_the_projects_503_page(client, settings):
    with database_down():
        response = client.get(reverse("supplier-directory"))

    assert_clean_503(response, json=False)
    # the site's own frame, drawn as for a visitor: nobody is looked up in the database
    body = response.content.decode()
    assert settings.SITE_NAME in body
    assert reverse("login") in body


def test_a_logged_in_page_fails_in_the_session_middleware_and_still_answers_503(
    client, supplier_user
):
    # given a logged-in user, whose session and account live in the database
    client.force_login(supplier_user)
    client.raise_request_exception = False

    # when the database goes away, loading the session fails before any view runs
    with database_down():
        response = client.get(reverse("home"))

    # then the middleware's error is a 503 page too, and the user's name appears nowhere
    assert_clean_503(response, json=False)
    assert supplier_user.email not in response.content.decode()


def test_a_form_sent_while_the_database_is_down_answers_503(client):
    with database_down(InterfaceError("connection already closed")):
        response = client.post(
            reverse("login"), {"username": "someone@example.com", "password": "x"}
        )

    assert_clean_503(response, json=False)


def test_an_outage_is_logged_as_one_warning_without_a_traceback(client, caplog):
    with caplog.at_level(logging.WARNING, logger="sme_platform.unavailable"):
        with database_down():
            client.get(reverse("supplier-directory"))

    [record] = [r for r in caplog.records if r.name == "sme_platform.unavailable"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "OperationalError" in record.getMessage()
    assert reverse("supplier-directory") in record.getMessage()


def test_the_database_back_serves_the_page_again(client):
    with database_down():
        assert client.get(reverse("supplier-directory")).status_code == 503

    assert client.get(reverse("supplier-directory")).status_code == 200


# API
# ------------------------------------------------------------------------------


def test_the_api_answers_503_in_its_error_shape(api_client):
    with database_down():
        response = api_client.get(reverse("api:taxonomy-hs"))

    assert_clean_503(response, json=True)


def test_token_authentication_that_loses_the_database_answers_503(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    with database_down():
        response = api_client.get(reverse("api:request-list"))

    assert_clean_503(response, json=True)


def test_an_api_write_that_loses_the_database_answers_503(api_as, buyer_user):
    client = api_as(buyer_user)
    client.raise_request_exception = False

    with database_down():
        response = client.post(reverse("api:request-list"), api_payload(), format="json")

    assert_clean_503(response, json=True)
    # ... and nothing was written
    assert not SourcingRequest.objects.exists()


# HOW THE ERROR IS RECOGNISED
# ------------------------------------------------------------------------------


def test_an_error_caused_by_a_lost_connection_counts_as_an_outage():
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as lost:
            raise RuntimeError("could not load the profile") from lost
    except RuntimeError as error:
        wrapped = error
    middleware = DatabaseUnavailableMiddleware(lambda request: None)

    response = middleware.process_exception(RequestFactory().get("/"), wrapped)

    assert response is not None
    assert response.status_code == 503


def test_other_errors_are_left_to_the_500_page():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)

    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None


def test_the_500_handler_answers_other_errors_with_the_500_page(rf):
    try:
        raise KeyError("bug")
    except KeyError:
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_500_handler_answers_an_outage_with_json_to_the_api(rf):
    try:
        raise OperationalError(REFUSED)
    except OperationalError:
        response = server_error(rf.get("/api/v1/requests/"))

    assert_clean_503(response, json=True)


def test_an_unexpected_error_in_a_page_is_still_a_500(client, monkeypatch):
    from django.contrib.auth import views as auth_views

    def broken(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(auth_views.LoginView, "get", broken)
    client.raise_request_exception = False

    response = client.get(reverse("login"))

    assert response.status_code == 500
    assert "Retry-After" not in response


# HEALTH
# ------------------------------------------------------------------------------


def test_healthz_says_the_database_is_down_and_nothing_more(client, settings):
    settings.REDIS_URL = ""

    with database_down():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "database": "down",
        "broker": "eager",
        "cache": "local",
    }
    for secret in SECRETS:
        assert secret not in response.content.decode()


def test_connections_are_checked_before_reuse(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
