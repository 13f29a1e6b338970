"""The signed-in user of a page that requires one."""

from typing import cast

from django.http import HttpRequest

from companies.models import User


def signed_in_user(request: HttpRequest) -> User:
    """``request.user`` behind ``login_required``: never the anonymous user there."""
    return cast(User, request.user)
