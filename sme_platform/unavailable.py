"""What a visitor sees while the database does not answer: a 503, never a traceback.

A stopped, restarting or unreachable PostgreSQL makes Django raise ``OperationalError``
(cannot connect, connection lost) or ``InterfaceError`` (a connection already closed).
Either means "try again shortly", so the pages answer the project's own 503 page and the
API a 503 in its error shape, both with ``Retry-After``. Nothing on that path touches the
database: the page is drawn without the request's context processors (who the user is
lives in the database), as the site's anonymous frame.

Errors raised by a view (and by the templates it renders) reach
``DatabaseUnavailableMiddleware``; errors raised in another middleware (loading the
session, the user, their time zone, or saving the session afterwards) never reach a
middleware's ``process_exception``, so Django hands them to ``server_error`` (the
``handler500`` of ``sme_platform.urls``), which answers them the same way. The API's
views answer through ``sme_platform.errors.exception_handler``. Once the database is back
the next request opens a fresh connection (``CONN_HEALTH_CHECKS``), so nothing restarts.
"""

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error as default_server_error

__all__ = [
    "DATABASE_ERRORS",
    "RETRY_AFTER_SECONDS",
    "DatabaseUnavailableMiddleware",
    "database_unavailable",
    "is_database_unavailable",
    "server_error",
    "unavailable_message",
    "unavailable_response",
]

logger = logging.getLogger(__name__)

DATABASE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
# A restart of PostgreSQL takes seconds; a client told to come back sooner only adds load.
RETRY_AFTER_SECONDS = 30
# An error raised while another was being handled keeps the first as its context.
_CHAIN_DEPTH = 5


def database_unavailable(exc: BaseException | None) -> BaseException | None:
    """The database connection error behind ``exc`` (itself or what caused it), if any."""
    for _depth in range(_CHAIN_DEPTH):
        if exc is None:
            return None
        if isinstance(exc, DATABASE_ERRORS):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def is_database_unavailable(exc: BaseException | None) -> bool:
    return database_unavailable(exc) is not None


def unavailable_message() -> str:
    return _("The platform is briefly unavailable. Please try again in a minute.")


def _wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _unavailable_headers(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A proxy must not keep an outage's answer for the page.
    response["Cache-Control"] = "no-store"
    return response


def unavailable_json() -> JsonResponse:
    """The API's 503, in its error shape (``{"message", "errors"}``)."""
    response = JsonResponse({"message": unavailable_message(), "errors": {}}, status=503)
    _unavailable_headers(response)
    return response


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 for this request: JSON for the API, the project's page for the rest."""
    if _wants_json(request):
        return unavailable_json()
    # No ``request`` here: the context processors would ask the database who the user is.
    content = render_to_string(
        "503.html",
        {"SITE_NAME": settings.SITE_NAME, "message": unavailable_message()},
    )
    return _unavailable_headers(HttpResponse(content, status=503))


def _log_outage(request: HttpRequest, error: BaseException) -> None:
    # A warning without the traceback: every request fails the same way during an outage.
    logger.warning(
        "Database unavailable, answered 503 to %s %s: %s: %s",
        request.method,
        request.path,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )


class DatabaseUnavailableMiddleware:
    """A view that loses the database answers 503 instead of 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        error = database_unavailable(exception)
        if error is None:
            return None
        _log_outage(request, error)
        return unavailable_response(request)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """``handler500``: a database outage met outside a view is a 503 too.

    Django calls this while the error is being handled, so ``sys.exc_info`` holds it.
    """
    error = database_unavailable(sys.exc_info()[1])
    if error is not None:
        return unavailable_response(request)
    return default_server_error(request, template_name=template_name)
