"""Who the client is, and how often it may knock: the API's scoped throttles and the
same rates for the pages that guess passwords or make accounts.

The client's address is read by one rule everywhere (DRF's, from ``NUM_PROXIES``):
X-Forwarded-For counts only for as many proxies as the deployment says it has, so a
client cannot reset a counter by writing a new address in that header.

The counters live in the cache. A throttle is a brake, not a gate: when the cache does
not answer (Redis down) it lets the request through and logs a warning, rather than
answer 500 or refuse everyone. The cache itself (``sme_platform.cache``) already answers
an outage as a miss; the throttles hold to the same rule over any other cache backend.

Addresses in ``THROTTLE_EXEMPT_ADDRESSES`` (a load generator's, a monitoring probe's)
pass every throttle; the log-in lockout still counts their failures.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from rest_framework import throttling

from sme_platform.cache import CACHE_ERRORS

__all__ = [
    "SCOPED_THROTTLES",
    "AnonRateThrottle",
    "FailOpenThrottle",
    "PageRateThrottle",
    "ScopedRateThrottle",
    "UserRateThrottle",
    "client_address",
    "is_exempt",
    "page_throttled",
]

logger = logging.getLogger(__name__)


class FailOpenThrottle(throttling.SimpleRateThrottle):
    """A rate counted in the cache that lets requests through while the cache is away."""

    def allow_request(self, request: Any, view: Any) -> bool:
        if is_exempt(request):
            return True
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as error:
            logger.warning(
                "Throttle %s lets a request through: the cache does not answer (%s: %s)",
                getattr(self, "scope", None) or type(self).__name__,
                type(error).__name__,
                error,
            )
            return True


class AnonRateThrottle(FailOpenThrottle, throttling.AnonRateThrottle):
    """Anonymous clients, by address."""


class UserRateThrottle(FailOpenThrottle, throttling.UserRateThrottle):
    """Logged-in users, by user (anonymous ones by address)."""


class ScopedRateThrottle(FailOpenThrottle, throttling.ScopedRateThrottle):
    """The view's own ``throttle_scope``."""


# Setting ``throttle_classes`` on a view replaces the defaults: these keep the global
# rates and add the view's ``throttle_scope``.
SCOPED_THROTTLES = [AnonRateThrottle, UserRateThrottle, ScopedRateThrottle]

View = Callable[..., HttpResponseBase]


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one the last trusted proxy added."""
    return throttling.BaseThrottle().get_ident(request)


def is_exempt(request: HttpRequest) -> bool:
    """Whether the client's address is one the deployment lets past every rate."""
    exempt = getattr(settings, "THROTTLE_EXEMPT_ADDRESSES", ())
    return bool(exempt) and client_address(request) in exempt


class PageRateThrottle(FailOpenThrottle):
    """A scope's rate for a page, counted in the cache per client address."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


def page_throttled(scope: str) -> Callable[[View], View]:
    """Refuse a POST past the scope's rate with a 429 page; reading the form is free."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "POST":
                throttle = PageRateThrottle(scope)
                if not throttle.allow_request(request, None):
                    wait = throttle.wait()
                    return render(
                        request,
                        "429.html",
                        {"wait_minutes": max(1, round((wait or 60) / 60))},
                        status=429,
                    )
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
