"""Who the client is, and how often it may knock: the API's scoped throttles and the
same rates for the pages that guess passwords or make accounts.

The client's address is read by one rule everywhere (DRF's, from ``NUM_PROXIES``):
X-Forwarded-For counts only for as many proxies as the deployment says it has, so a
client cannot reset a counter by writing a new address in that header.

Addresses in ``THROTTLE_EXEMPT_ADDRESSES`` (a load generator's, a monitoring probe's)
pass every throttle; the log-in lockout still counts their failures.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from rest_framework import throttling
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

__all__ = [
    "SCOPED_THROTTLES",
    "AnonRateThrottle",
    "PageRateThrottle",
    "ScopedRateThrottle",
    "UserRateThrottle",
    "client_address",
    "is_exempt",
    "page_throttled",
]

View = Callable[..., HttpResponseBase]


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one the last trusted proxy added."""
    return BaseThrottle().get_ident(request)


def is_exempt(request: HttpRequest) -> bool:
    """Whether the client's address is one the deployment lets past every rate."""
    exempt = getattr(settings, "THROTTLE_EXEMPT_ADDRESSES", ())
    return bool(exempt) and client_address(request) in exempt


class _ExemptAddresses:
    def allow_request(self, request: Any, view: Any) -> bool:
        if is_exempt(request):
            return True
        return super().allow_request(request, view)  # type: ignore[misc]


class AnonRateThrottle(_ExemptAddresses, throttling.AnonRateThrottle):
    """DRF's per-address rate for anonymous clients, but for exempt addresses."""


class UserRateThrottle(_ExemptAddresses, throttling.UserRateThrottle):
    """DRF's per-user rate, but for exempt addresses."""


class ScopedRateThrottle(_ExemptAddresses, throttling.ScopedRateThrottle):
    """DRF's rate of a view's ``throttle_scope``, but for exempt addresses."""


# Setting ``throttle_classes`` on a view replaces the defaults: these keep the global
# rates and add the view's ``throttle_scope``.
SCOPED_THROTTLES = [AnonRateThrottle, UserRateThrottle, ScopedRateThrottle]


class PageRateThrottle(_ExemptAddresses, SimpleRateThrottle):
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
