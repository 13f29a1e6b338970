"""Plumbing every app's pages share: the 404 of a hidden object, safe redirects,
a service's errors shown on a form, and the time zone each page is shown in."""

import zoneinfo
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from sme_platform.errors import ApplicationError

Found = TypeVar("Found")


def found(obj: Found | None) -> Found:
    """A selector's ``None`` (missing, or not visible to this user) becomes a 404.

    Both look the same from outside, so nobody learns that another organisation's
    private object exists.
    """
    if obj is None:
        raise Http404("Not found.")
    return obj


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` the form carried when it points into this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def query_without_page(request: HttpRequest) -> str:
    """The query string without ``page``, for the links of a paginator."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def apply_service_errors(form: forms.BaseForm, exc: ValidationError | ApplicationError) -> None:
    """Show a service's error on the form: next to a field when the form has it."""
    if isinstance(exc, ApplicationError):
        if not exc.extra:
            form.add_error(None, exc.message)
            return
        for field, errors in exc.extra.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def user_time_zone(user: Any) -> zoneinfo.ZoneInfo:
    """The time zone a user chose on their account; UTC for visitors and unknown names."""
    name = getattr(user, "time_zone", "") or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class UserTimeZoneMiddleware:
    """Every page shows and reads dates in the user's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with timezone.override(user_time_zone(getattr(request, "user", None))):
            return self.get_response(request)
