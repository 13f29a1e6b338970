"""How a service refuses a write, and how the API and the pages show it.

One error type, ``ApplicationError``, carries a message and, in ``extra``, the
messages per field. It is also a Django ``ValidationError`` keyed by the same fields,
so the pages put each message beside its field and code that reads ``message_dict``
sees what a model's own validation would give. The API answers it with a 400
``{"message", "errors"}`` in one place, ``exception_handler``. Limits and formats of a
field live on its model: ``check_fields`` asks the model itself, so no service
repeats a limit.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from sme_platform.unavailable import (
    RETRY_AFTER_SECONDS,
    is_database_unavailable,
    unavailable_message,
)

__all__ = [
    "FIELD_ERRORS",
    "ApplicationError",
    "Forbidden",
    "check_fields",
    "error_dict",
    "exception_handler",
    "field_errors",
    "messages_of",
    "refusal",
]

FIELD_ERRORS = "Validation error"


# Both bases keep a ``message``; the stubs type ValidationError's as a lazy string too.
class ApplicationError(DjangoValidationError):
    """A business rule refused the operation; ``extra`` holds the messages per field."""

    def __init__(self, message: str, extra: Mapping[str, Iterable[Any]] | None = None) -> None:
        fields = {field: [str(m) for m in messages] for field, messages in (extra or {}).items()}
        super().__init__(fields or message)
        self.message = message
        self.extra: dict[str, list[str]] = fields
        self.code = "invalid"
        self.params = None

    def __str__(self) -> str:
        return str(self.message) if not self.extra else str(self.extra)


class Forbidden(PermissionDenied):
    """A refusal the user can do something about, with a machine-readable ``code``.

    The API answers it 403 ``{"message", "code", "errors": {}}`` so a client can tell
    "confirm your e-mail first" from "not yours"; the pages show the message.
    """

    code = "forbidden"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


def error_dict(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A Django ValidationError's messages by field (unkeyed ones under ``__all__``)."""
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


FIELD_ERRORS = "Validation error"


def refusal(errors: Mapping[str, Iterable[str]]) -> ApplicationError:
    """The error to raise for these field messages."""
    return ApplicationError(
        FIELD_ERRORS, extra={field: list(messages) for field, messages in errors.items()}
    )


def field_errors(
    instance: models.Model, fields: Iterable[str], *, as_names: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """What the model's own limits and formats say of ``fields`` of ``instance``.

    ``as_names`` renames a model field to the argument the caller gave it (a cluster's
    ``review_note`` is the reviewer's ``note``), so the message lands on that field.
    """
    wanted = set(fields)
    others = [f.name for f in instance._meta.get_fields() if f.name not in wanted]
    try:
        instance.clean_fields(exclude=others)
    except DjangoValidationError as exc:
        names = as_names or {}
        return {names.get(field, field): messages for field, messages in exc.message_dict.items()}
    return {}


def check_fields(
    instance: models.Model, fields: Iterable[str], *, as_names: Mapping[str, str] | None = None
) -> None:
    """Refuse the write when ``field_errors`` finds anything."""
    errors = field_errors(instance, fields, as_names=as_names)
    if errors:
        raise refusal(errors)


def messages_of(exc: Exception) -> list[str]:
    """Every sentence of a refusal, for a page that shows them as messages, not by field."""
    if isinstance(exc, ApplicationError):
        texts = [text for messages in exc.extra.values() for text in messages]
        return texts or [str(exc.message)]
    if isinstance(exc, DjangoValidationError):
        return list(exc.messages)
    return [str(exc)]


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if is_database_unavailable(exc):
        # The database is down or restarting (sme_platform.unavailable): worth a retry.
        return Response(
            {"message": unavailable_message(), "errors": {}},
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
        )
    if isinstance(exc, ApplicationError):
        errors = as_serializer_error(exc) if exc.extra else {}
        return Response({"message": exc.message, "errors": errors}, status=400)
    if isinstance(exc, Forbidden):
        return Response({"message": str(exc.message), "code": exc.code, "errors": {}}, status=403)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"message": FIELD_ERRORS, "errors": response.data}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"message": str(response.data["detail"]), "errors": {}}
    return response
