"""What the ``sme_platform.security`` log records: failed log-ins, lockouts, and every
refused request (401, 403, 404, 429), each with the user's id, the client's address
and the path. Never a password, token, session id, e-mail address or contact detail:
a person is named by their user id, which staff can look up.

A hidden object and a missing one both answer 404, so nobody learns the other exists;
both are logged alike, and a run of 404s from one user or address is what a probe
looks like in the log.
"""

import logging
import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from sme_platform.throttles import client_address

__all__ = [
    "SECURITY_LOGGER",
    "DeniedAccessLogMiddleware",
    "axes_client_str",
    "log_login_failed",
    "log_lockout",
    "loggable_path",
]

SECURITY_LOGGER = logging.getLogger("sme_platform.security")

# URL arguments that carry a secret (password reset, invitations, unsubscribe links).
_SECRET_ARGUMENT = re.compile(r"token|uid|key|sign|secret", re.IGNORECASE)
# A long run of token characters in a path that matched no route is taken for a secret.
_LONG_SEGMENT = re.compile(r"[A-Za-z0-9_\-:.=]{32,}")
_PATH_LIMIT = 300

_DENIED = {
    401: (logging.WARNING, "unauthenticated"),
    403: (logging.WARNING, "access_denied"),
    404: (logging.INFO, "not_found"),
    429: (logging.WARNING, "throttled"),
}


def loggable_path(request: HttpRequest) -> str:
    """The request's path with secret URL arguments replaced by their names."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if value and _SECRET_ARGUMENT.search(name):
                path = path.replace(str(value), f"<{name}>")
    return _LONG_SEGMENT.sub("<redacted>", path)[:_PATH_LIMIT]


def _user_id(request: HttpRequest | None) -> int | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return int(user.pk)
    return None


def _account_id(username: str | None) -> int | None:
    """The id of the account a log-in named, so the log need not hold its address."""
    if not username:
        return None
    model = get_user_model()
    lookup = {f"{model.USERNAME_FIELD}__iexact": username}
    found = model.objects.filter(**lookup).values_list("pk", flat=True).first()
    return int(found) if found is not None else None


def _login_name(credentials: dict[str, Any] | None) -> str | None:
    credentials = credentials or {}
    name = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    return str(name) if name else None


def _facts(request: HttpRequest | None, **facts: Any) -> dict[str, Any]:
    if request is None:
        return {"address": None, "method": None, "path": None, **facts}
    return {
        "address": client_address(request),
        "method": request.method,
        "path": loggable_path(request),
        **facts,
    }


def log_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Django's ``user_login_failed``: the form, the token API and the admin alike."""
    facts = _facts(request, event="login_failed", user_id=_account_id(_login_name(credentials)))
    SECURITY_LOGGER.warning(
        "login_failed user=%s address=%s path=%s",
        facts["user_id"],
        facts["address"],
        facts["path"],
        extra=facts,
    )


def log_lockout(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    """django-axes' ``user_locked_out``: an account or an address is locked."""
    facts = _facts(request, event="lockout", user_id=_account_id(username))
    facts["address"] = ip_address or facts["address"]
    SECURITY_LOGGER.warning(
        "lockout user=%s address=%s path=%s",
        facts["user_id"],
        facts["address"],
        facts["path"],
        extra=facts,
    )


def axes_client_str(
    username: str | None,
    ip_address: str | None,
    user_agent: str | None,
    path_info: Any,
    request: HttpRequest | None,
) -> str:
    """How django-axes names a client in its own log lines: by user id, not e-mail."""
    if isinstance(path_info, tuple | list):
        path_info = path_info[0] if path_info else ""
    path = loggable_path(request) if request is not None else str(path_info or "")
    return f"{{user: {_account_id(username)}, address: {ip_address}, path: {path}}}"


class DeniedAccessLogMiddleware:
    """Logs every refused request: 401 and 403 (permissions), 404 (hidden or missing)
    and 429 (throttles, lockouts). Sits after the authentication middleware, so the
    user is known; the API's token users are known too, as DRF sets them on the
    request it wraps."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        denied = _DENIED.get(response.status_code)
        if denied is not None:
            level, event = denied
            facts = _facts(
                request, event=event, status=response.status_code, user_id=_user_id(request)
            )
            SECURITY_LOGGER.log(
                level,
                "%s status=%s user=%s address=%s method=%s path=%s",
                event,
                response.status_code,
                facts["user_id"],
                facts["address"],
                facts["method"],
                facts["path"],
                extra=facts,
            )
        return response
