"""Pages of broadcasts: managers send and review them, members read them.

A cluster the user does not manage, a broadcast of another cluster, or one the
user's firm did not receive is a 404. Sending goes through ``broadcast_send``,
the same service as the API.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clusters import selectors as cluster_selectors
from clusters.models import Cluster
from clusters.views.signed_in import SignedInRequest
from consortia import forms, selectors, services
from sme_platform.errors import ApplicationError
from sme_platform.pages import apply_service_errors

__all__ = [
    "broadcast_detail",
    "broadcast_list",
    "broadcast_new",
    "my_broadcast_detail",
    "my_broadcast_list",
]


def _managed(request: HttpRequest, slug: str) -> Cluster:
    cluster = cluster_selectors.cluster_get_managed(user=request.user, slug=slug)
    if cluster is None:
        raise Http404("Not found.")
    return cluster


@login_required
def broadcast_list(request: SignedInRequest, slug: str) -> HttpResponse:
    cluster = _managed(request, slug)
    return render(
        request,
        "consortia/broadcast_list.html",
        {
            "cluster": cluster,
            "broadcasts": selectors.broadcasts_for_manager(user=request.user, cluster=cluster),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def broadcast_new(request: SignedInRequest, slug: str) -> HttpResponse:
    cluster = _managed(request, slug)
    form = forms.BroadcastForm(request.POST or None, cluster=cluster, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            broadcast = services.broadcast_send(
                cluster=cluster, actor=request.user, **form.cleaned_data
            )
        except ApplicationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Broadcast “{broadcast.subject}” is on its way.")
            return redirect("cluster-broadcast-detail", slug=cluster.slug, pk=broadcast.pk)
    status = 400 if form.errors else 200
    return render(
        request, "consortia/broadcast_form.html", {"cluster": cluster, "form": form}, status=status
    )


@login_required
def broadcast_detail(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    cluster = _managed(request, slug)
    broadcast = selectors.broadcast_get_for_manager(user=request.user, cluster=cluster, pk=pk)
    if broadcast is None:
        raise Http404("Not found.")
    return render(
        request,
        "consortia/broadcast_detail.html",
        {
            "cluster": cluster,
            "broadcast": broadcast,
            "recipients": selectors.broadcast_recipients(broadcast=broadcast),
        },
    )


@login_required
def my_broadcast_list(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "consortia/my_broadcasts.html",
        {"recipients": selectors.broadcasts_for_member(user=request.user)},
    )


@login_required
def my_broadcast_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """A broadcast the user's firm received; opening it marks it read for the managers."""
    recipient = selectors.broadcast_recipient_for_member(user=request.user, pk=pk)
    if recipient is None:
        raise Http404("Not found.")
    services.broadcast_mark_read(recipient=recipient, actor=request.user)
    return render(
        request,
        "consortia/my_broadcast_detail.html",
        {"recipient": recipient, "broadcast": recipient.broadcast},
    )
