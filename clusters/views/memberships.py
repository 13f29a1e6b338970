"""Pages of clusters: the public directory and cluster pages, proposing a cluster,
the managers' dashboard, and an SME's own memberships.

Each view reads through a selector (a cluster the user does not manage, or
another firm's membership, is a 404), validates with a form and writes through
the same service as the API.
"""

from typing import Any, cast

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clusters import forms, permissions, selectors, services
from clusters.models import ClusterMembership
from clusters.views.signed_in import SignedInRequest
from companies.forms import describe_codes, split_codes
from companies.models import User
from companies.permissions import is_staff_user
from sme_platform.errors import ApplicationError, messages_of
from sme_platform.pages import apply_service_errors, found

Status = ClusterMembership.Status

# Manager actions: service, what the message says was done.
MANAGER_ACTIONS = {
    "approve": (services.membership_approve, "approved"),
    "refuse": (services.membership_refuse, "refused"),
    "suspend": (services.membership_suspend, "suspended"),
    "reinstate": (services.membership_reinstate, "reinstated"),
    "remove": (services.membership_remove, "removed"),
}
MEMBER_ACTIONS = {
    "decline": (services.membership_decline_invitation, "Invitation declined."),
    "leave": (services.membership_leave, "Done: your firm is no longer in the cluster."),
}


def _error_messages(request: HttpRequest, exc: Exception) -> None:
    for text in messages_of(exc):
        messages.error(request, text)


def _form_messages(request: HttpRequest, form: django_forms.Form) -> None:
    """A form without a place for its errors (a button with a note) tells them as messages."""
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, str(text))


# PUBLIC PAGES
# ------------------------------------------------------------------------------


def cluster_directory(request: HttpRequest) -> HttpResponse:
    form = forms.ClusterFilterForm(request.GET or None)
    filters: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    clusters = selectors.cluster_public_list(**filters)
    return render(
        request,
        "clusters/directory.html",
        {"form": form, "clusters": clusters, "filtered": bool(filters)},
    )


def cluster_page(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = found(selectors.cluster_get_visible(user=request.user, slug=slug))
    user = request.user
    return render(
        request,
        "clusters/cluster_page.html",
        {
            "cluster": cluster,
            "members": selectors.public_members(cluster=cluster),
            "capabilities": selectors.cluster_public_capabilities(cluster=cluster),
            "linkages": selectors.cluster_public_linkages(cluster=cluster),
            "is_manager": permissions.can_manage_cluster(user, cluster),
            "can_apply": permissions.is_supplier_user(user),
            "own_membership": selectors.open_membership_of(user=user, cluster=cluster),
        },
    )


# PROPOSING AND EDITING
# ------------------------------------------------------------------------------


def _codes(form: forms.ClusterForm) -> dict[str, list[tuple[str, str]]]:
    def raw(name: str) -> list[str]:
        value = form[name].value()
        if isinstance(value, str):
            return split_codes(value)
        return [str(v) for v in (value or [])]

    return {
        "sector": describe_codes("isic", raw("sector")),
        "main_products": describe_codes("hs", raw("main_products")),
    }


@login_required
@require_http_methods(["GET", "POST"])
def cluster_propose(request: SignedInRequest) -> HttpResponse:
    organisation = permissions.check_cluster_body_user(request.user)
    form = forms.ClusterForm(request.POST or None, initial={"country": organisation.country})
    if request.method == "POST" and form.is_valid():
        try:
            cluster = services.cluster_propose(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{cluster.name} is proposed. Staff will review it shortly.")
            return redirect("cluster-manage", slug=cluster.slug)
    return render(
        request,
        "clusters/cluster_form.html",
        {"form": form, "cluster": None, "codes": _codes(form)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cluster_edit(request: SignedInRequest, slug: str) -> HttpResponse:
    cluster = found(selectors.cluster_get_managed(user=request.user, slug=slug))
    form = forms.ClusterForm(request.POST or None, initial=forms.ClusterForm.initial_for(cluster))
    if request.method == "POST" and form.is_valid():
        try:
            services.cluster_update(cluster=cluster, actor=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Cluster saved.")
            return redirect("cluster-manage", slug=cluster.slug)
    return render(
        request,
        "clusters/cluster_form.html",
        {"form": form, "cluster": cluster, "codes": _codes(form)},
    )


# MANAGERS
# ------------------------------------------------------------------------------


@login_required
def managed_clusters(request: SignedInRequest) -> HttpResponse:
    clusters = list(selectors.clusters_managed_by(user=request.user))
    if len(clusters) == 1:
        return redirect("cluster-manage", slug=clusters[0].slug)
    return render(
        request,
        "clusters/managed_list.html",
        {"clusters": clusters, "can_propose": permissions.is_cluster_body_user(request.user)},
    )


def _dashboard(
    request: HttpRequest,
    cluster: Any,
    *,
    invite_form: forms.InviteForm | None = None,
    manager_form: forms.ManagerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    memberships = list(selectors.members_for_manager(user=request.user, cluster=cluster))
    contacts = selectors.contacts_shared_with_managers(memberships=memberships)
    for membership in memberships:
        # Shown beside each member on the dashboard.
        cast(Any, membership).shared_contacts = contacts.get(membership.pk, [])
    groups = [
        (label, [m for m in memberships if m.status == value])
        for value, label in [
            (Status.APPLIED, "Applications"),
            (Status.INVITED, "Invitations"),
            (Status.ACTIVE, "Members"),
            (Status.SUSPENDED, "Suspended"),
            (Status.REFUSED, "Refused or declined"),
            (Status.LEFT, "Left"),
            (Status.REMOVED, "Removed"),
        ]
    ]
    return render(
        request,
        "clusters/manage.html",
        {
            "cluster": cluster,
            "groups": groups,
            "events": selectors.cluster_events(user=request.user, cluster=cluster),
            "invite_form": invite_form or forms.InviteForm(),
            "manager_form": manager_form or forms.ManagerForm(),
            "managers": cluster.managers.all(),
            "capabilities": selectors.capabilities_of(
                member_ids=[
                    m.supplier_id
                    for m in memberships
                    if m.status == Status.ACTIVE and m.supplier_id is not None
                ]
            ),
        },
        status=status,
    )


@login_required
def cluster_manage(request: SignedInRequest, slug: str) -> HttpResponse:
    cluster = found(selectors.cluster_get_managed(user=request.user, slug=slug))
    return _dashboard(request, cluster)


@login_required
@require_POST
def cluster_invite(request: SignedInRequest, slug: str) -> HttpResponse:
    cluster = found(selectors.cluster_get_managed(user=request.user, slug=slug))
    form = forms.InviteForm(request.POST)
    if form.is_valid():
        supplier = None
        text = form.cleaned_data["supplier"]
        if text:
            supplier = selectors.supplier_find(text=text)
            if supplier is None:
                form.add_error("supplier", f"No registered SME has the address or name “{text}”.")
        if not form.errors:
            try:
                membership = services.membership_invite(
                    cluster=cluster,
                    actor=request.user,
                    supplier=supplier,
                    email=form.cleaned_data["email"],
                    message=form.cleaned_data["message"],
                )
            except ApplicationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Invitation sent to {membership.display_name}.")
                return redirect("cluster-manage", slug=cluster.slug)
    return _dashboard(request, cluster, invite_form=form, status=400)


@login_required
@require_POST
def membership_manager_action(
    request: SignedInRequest, slug: str, pk: int, action: str
) -> HttpResponse:
    cluster = found(selectors.cluster_get_managed(user=request.user, slug=slug))
    membership = found(selectors.membership_get_for_manager(user=request.user, pk=pk))
    if membership.cluster_id != cluster.pk or action not in MANAGER_ACTIONS:
        raise Http404("Not found.")
    service, done = MANAGER_ACTIONS[action]
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("cluster-manage", slug=cluster.slug)
    try:
        service(membership=membership, actor=request.user, note=form.cleaned_data["note"])
    except (ApplicationError, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, f"{membership.display_name}: {done}.")
    return redirect("cluster-manage", slug=cluster.slug)


@login_required
@require_POST
def cluster_manager_change(request: SignedInRequest, slug: str, action: str) -> HttpResponse:
    cluster = found(selectors.cluster_get_managed(user=request.user, slug=slug))
    form = forms.ManagerForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["user"]).first()
        if user is None:
            form.add_error("user", "No user has this e-mail address.")
        else:
            service = services.manager_add if action == "add" else services.manager_remove
            try:
                service(cluster=cluster, actor=request.user, user=user)
            except ApplicationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Managers updated.")
                if selectors.cluster_get_managed(user=request.user, slug=slug) is None:
                    return redirect("cluster-page", slug=cluster.slug)
                return redirect("cluster-manage", slug=cluster.slug)
    return _dashboard(request, cluster, manager_form=form, status=400)


# SMEs
# ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cluster_apply(request: SignedInRequest, slug: str) -> HttpResponse:
    cluster = found(selectors.cluster_get_visible(user=request.user, slug=slug))
    form = forms.ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_apply(cluster=cluster, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Application sent to the managers of {cluster.name}.")
            return redirect("my-clusters")
    return render(request, "clusters/apply.html", {"form": form, "cluster": cluster})


@login_required
def my_clusters(request: SignedInRequest) -> HttpResponse:
    memberships = list(selectors.memberships_of_user(user=request.user))
    return render(
        request,
        "clusters/my_clusters.html",
        {
            "current": [m for m in memberships if m.is_open],
            "past": [m for m in memberships if not m.is_open],
            "consent_form": forms.ConsentForm(),
        },
    )


@login_required
@require_POST
def membership_accept(request: SignedInRequest, pk: int) -> HttpResponse:
    membership = found(selectors.membership_get_for_member(user=request.user, pk=pk))
    form = forms.ConsentForm(request.POST)
    form.is_valid()
    try:
        services.membership_accept_invitation(
            membership=membership, actor=request.user, **form.cleaned_data
        )
    except (ApplicationError, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, f"Welcome to {membership.cluster.name}.")
    return redirect("my-clusters")


@login_required
@require_POST
def membership_consent(request: SignedInRequest, pk: int) -> HttpResponse:
    membership = found(selectors.membership_get_for_member(user=request.user, pk=pk))
    form = forms.ConsentForm(request.POST)
    form.is_valid()
    try:
        services.membership_set_consent(
            membership=membership, actor=request.user, **form.cleaned_data
        )
    except (ApplicationError, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, "Saved.")
    return redirect("my-clusters")


@login_required
@require_POST
def membership_member_action(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    membership = found(selectors.membership_get_for_member(user=request.user, pk=pk))
    if action not in MEMBER_ACTIONS:
        raise Http404("Not found.")
    service, done = MEMBER_ACTIONS[action]
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect("my-clusters")
    try:
        service(membership=membership, actor=request.user, note=form.cleaned_data["note"])
    except (ApplicationError, PermissionDenied) as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, done)
    return redirect("my-clusters")


def invitation_landing(request: HttpRequest, token: str) -> HttpResponse:
    """Where the e-mailed invitation leads: sign up with the address, or see it in My clusters."""
    membership = selectors.membership_by_token(token=token)
    if membership is None:
        return render(request, "clusters/invitation_invalid.html", status=404)
    if permissions.acts_for_member(request.user, membership):
        return redirect("my-clusters")
    return render(request, "clusters/invitation.html", {"membership": membership})


# STAFF
# ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def cluster_review_list(request: SignedInRequest) -> HttpResponse:
    if not is_staff_user(request.user):
        raise Http404("Not found.")
    if request.method == "POST":
        cluster = found(
            selectors.cluster_get_for_review(user=request.user, pk=request.POST.get("cluster"))
        )
        form = forms.ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.cluster_review(cluster=cluster, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                _error_messages(request, exc)
            else:
                messages.success(request, f"{cluster.name}: {cluster.get_status_display()}.")
        elif "status" in form.errors:
            messages.error(request, "Choose approve or reject.")
        else:
            _form_messages(request, form)
        return redirect("cluster-review-list")
    return render(
        request,
        "clusters/review_list.html",
        {"clusters": selectors.clusters_to_review(user=request.user)},
    )
