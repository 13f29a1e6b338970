"""The error the matching services raise when a rule refuses a write."""

from django.core.exceptions import ValidationError

from sme_platform.errors import ApplicationError

__all__ = ["RuleBroken", "error_dict"]


# Both bases keep a ``message``; the stubs type ValidationError's as a lazy string too.
class RuleBroken(ApplicationError, ValidationError):  # type: ignore[misc]
    """An ``ApplicationError`` whose ``extra`` holds the messages per field.

    It is also a Django ``ValidationError`` keyed by the same fields, so the API still
    answers with the ``{"message": "Validation error", "errors": {...}}`` body and the
    pages and callers that read ``message_dict`` see what they always saw.
    """

    def __init__(self, message: str, extra: dict[str, list[str]] | None = None) -> None:
        extra = {field: list(messages) for field, messages in (extra or {}).items()}
        # Not super(): ApplicationError's own __init__ would hand the message to
        # ValidationError as one unkeyed error.
        ValidationError.__init__(self, extra or message)
        self.message = message
        self.extra = extra
        self.code = "invalid"
        self.params = None


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    """A Django ValidationError's messages by field (unkeyed ones under ``__all__``)."""
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}
