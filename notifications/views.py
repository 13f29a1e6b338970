"""Pages of a user's notifications and the one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from companies.http import AuthenticatedHttpRequest
from notifications import selectors, services
from sme_platform.pages import found

NOTIFICATION_PAGE_SIZE = 30


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(
        selectors.notification_list(user=request.user), NOTIFICATION_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "unread_count": selectors.notification_unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = found(selectors.notification_get(user=request.user, pk=pk))
    services.notification_mark_read(notification=notification, user=request.user)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notification-list")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    marked = services.notification_mark_all_read(user=request.user)
    messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked read.")
    return redirect("notification-list")


@csrf_exempt  # the signed token is the credential; mail clients' one-click POST has no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Turn e-mail copies off from the link in an e-mail, without logging in.

    A GET only asks: mail scanners follow links, and must not unsubscribe anyone.
    """
    user = selectors.user_for_unsubscribe_token(token=token)
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    done = False
    if request.method == "POST":
        services.email_notifications_turn_off(user=user)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"email": user.email, "done": done or not user.email_notifications},
    )
