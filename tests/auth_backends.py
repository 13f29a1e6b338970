"""The lockout backend for the test settings."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class TestClientLockoutBackend(AxesStandaloneBackend):
    """The lockout, except for Django's test client: its ``login()`` authenticates
    without a request, so there is no client to count and nothing to refuse."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, *args: Any, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
