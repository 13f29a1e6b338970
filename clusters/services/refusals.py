"""How the services of clusters and consortia refuse a write: one error type,
``ApplicationError``, whose ``extra`` names each field with its messages.

The API answers it with the 400 ``{"message", "errors"}`` it gave for field errors
before (hence the same message), and the pages show each message beside its field.
Limits and formats of a field live on the model; ``check_fields`` asks the model
itself, so no service repeats a limit.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models

from sme_platform.errors import ApplicationError

__all__ = ["FIELD_ERRORS", "check_fields", "field_errors", "messages_of", "refusal"]

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
    except ValidationError as exc:
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
        return texts or [exc.message]
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc)]
