"""Each role's dashboard: where a user lands after logging in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workspaces import selectors

__all__ = ["dashboard"]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "workspaces/dashboard.html", selectors.dashboard_for(user=request.user))
