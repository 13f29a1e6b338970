"""A logging filter that takes secrets and e-mail addresses out of every record before
a handler writes it: defence in depth behind the rule that no code logs them.

Installed on the root logger's handlers (``LOGGING`` in the settings), so it sees the
records of every library too (django-axes, Django's request log, Celery). It redacts:

- the values of keys that name a secret or a contact (password, token, secret,
  authorization, cookie, session, csrf, api key, e-mail, phone, credentials) in
  mapping arguments, in ``extra`` and inside nested dicts and lists;
- ``key=value`` and ``"key": "value"`` pairs of those names inside any text;
- ``Token …``, ``Bearer …`` and ``Basic …`` credentials, tokens in link paths, and
  every e-mail address.

The message is formatted with its arguments first, then cleaned, so a secret passed
as an argument cannot slip past the cleaning of the format string.
"""

import logging
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["REDACTED", "RedactSecretsFilter", "redact_text", "redact_value"]

REDACTED = "[redacted]"

_SENSITIVE_NAME = re.compile(
    r"pass(word|wd|phrase)|pwd|token|secret|authori[sz]ation|cookie|session|csrf"
    r"|api[_-]?key|e-?mail|phone|credential",
    re.IGNORECASE,
)
_NAMES = (
    r"password|passwd|passphrase|pwd|[\w-]*token|[\w-]*secret|authorization|cookie"
    r"|sessionid|session_key|csrftoken|csrfmiddlewaretoken|api[_-]?key|e-?mail|phone"
)
# password=…, "token": "…", Authorization: …  A quoted value runs to its closing quote,
# a bare one to a space or separator.
_PAIR = re.compile(
    rf"""(?P<key>\b(?:{_NAMES})\b["']?\s*[:=]\s*)"""
    r"""(?:(?P<quote>["'])(?!\[redacted\])(?:\\.|(?!(?P=quote)).)*(?P=quote)"""
    r"""|(?!\[redacted\])[^\s"',;&}\]]+)""",
    re.IGNORECASE,
)
# A credential has a digit somewhere, which keeps "Token obtained" as it is.
_SCHEME = re.compile(
    r"\b(?P<scheme>Token|Bearer|Basic)\s+(?=[A-Za-z._~+/=\-]*\d)[A-Za-z0-9._~+/=\-]{6,}"
)
# A path segment of 32 or more token characters with a digit in it: the token of an
# invitation, password-reset or unsubscribe link, as in Django's "Not Found: /…" lines.
_URL_SECRET = re.compile(r"(?<=/)(?=[A-Za-z_\-:.=]*\d)[A-Za-z0-9_\-:.=]{32,}(?=[/?#\s]|$)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")

# Attributes every LogRecord has; anything else on a record came in through ``extra``.
_STANDARD_ATTRIBUTES = frozenset(
    set(vars(logging.LogRecord("", logging.INFO, "", 0, "", (), None))) | {"message", "asctime"}
)
_MAX_DEPTH = 5


def _redact_pair(match: re.Match[str]) -> str:
    quote = match.group("quote") or ""
    return f"{match.group('key')}{quote}{REDACTED}{quote}"


def redact_text(text: str) -> str:
    """``text`` without secret pairs, credentials or e-mail addresses."""
    text = _SCHEME.sub(lambda m: f"{m.group('scheme')} {REDACTED}", text)
    text = _PAIR.sub(_redact_pair, text)
    text = _URL_SECRET.sub(REDACTED, text)
    return _EMAIL.sub("[email]", text)


def redact_value(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with text cleaned and secret-named keys blanked, through
    nested mappings, lists and tuples. Other objects are left as they are."""
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {
            key: (
                REDACTED
                if isinstance(key, str) and _SENSITIVE_NAME.search(key)
                else redact_value(item, depth + 1)
            )
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact_value(item, depth + 1) for item in value)
    return value


class RedactSecretsFilter(logging.Filter):
    """Cleans each record in place and lets it through."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, Mapping):
            record.args = redact_value(args)
        elif isinstance(args, tuple):
            record.args = tuple(redact_value(arg) for arg in args)
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):
            # A malformed call: keep its parts, cleaned, for the handler to report.
            message = f"{record.msg} {record.args}"
        record.msg = redact_text(message)
        record.args = None
        for name, value in list(vars(record).items()):
            if name in _STANDARD_ATTRIBUTES:
                continue
            if _SENSITIVE_NAME.search(name):
                setattr(record, name, REDACTED)
            else:
                setattr(record, name, redact_value(value))
        if record.exc_info and not record.exc_text:
            # Formatted here once, cleaned, and kept: the formatter uses exc_text as is.
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True
