"""The request of a page or admin view that only a logged-in user reaches, typed."""

from django.http import HttpRequest

from companies.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """What ``login_required`` guarantees: ``request.user`` is a user, not a visitor."""

    user: User
