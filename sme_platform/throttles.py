"""Who the client is, and how often it may knock: the API's scoped throttles and the
same rates for the pages that guess passwords or make accounts.

The client's address is read by one rule everywhere (DRF's, from ``NUM_PROXIES``):
X-Forwarded-For counts only for as many proxies as the deployment says it has, so a
client cannot reset a counter by writing a new address in that header.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from rest_framework.throttling import (
    AnonRateThrottle,
    BaseThrottle,
    ScopedRateThrottle,
    SimpleRateThrottle,
    UserRateThrottle,
)

__all__ = ["SCOPED_THROTTLES", "PageRateThrottle", "client_address", "page_throttled"]

# Setting ``throttle_classes`` on a view replaces the defaults: these keep the global
# rates and add the view's ``throttle_scope``.
SCOPED_THROTTLES = [AnonRateThrottle, UserRateThrottle, ScopedRateThrottle]

View = Callable[..., HttpResponseBase]


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one the last trusted proxy added."""
    return BaseThrottle().get_ident(request)


class PageRateThrottle(SimpleRateThrottle):
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
