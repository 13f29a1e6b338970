"""The log-in lockout: whose failures count together, what a locked client is told,
and how staff lift a lock. The counting itself is django-axes, on the database."""

from typing import Any

from axes.helpers import get_cool_off
from axes.utils import reset
from django.db import transaction
from django.http import HttpRequest

from companies import permissions
from companies.models import User

__all__ = ["account_unlock", "lockout_message", "lockout_username"]


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a log-in names: the form sends it as "username", the API as "email";
    case does not make it another account."""
    given = credentials or getattr(request, "data", None) or request.POST
    name = given.get("username") or given.get("email")
    return str(name).strip().lower() if name else None


def lockout_message() -> str:
    cool_off = get_cool_off()
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    wait = f"Try again in {minutes} minute{'s' if minutes != 1 else ''}." if minutes else ""
    return f"Too many failed log-in attempts: log-in is locked. {wait}".strip()


@transaction.atomic
def account_unlock(*, email: str, actor: User) -> int:
    """Staff forget the failures of this account, so its user may log in again at once;
    the number of lifted records is returned. An address locked by guesses at many
    accounts stays locked: that lock is lifted in the admin's access attempts."""
    permissions.require_staff(actor)
    return reset(username=email.strip().lower())
