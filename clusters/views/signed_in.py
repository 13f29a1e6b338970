"""The request of a page behind ``login_required``: its user is a signed-in ``User``."""

from django.http import HttpRequest

from companies.models import User

__all__ = ["SignedInRequest"]


class SignedInRequest(HttpRequest):
    user: User
