"""Pages of sourcing requests, supplier search, saved searches and notifications.

Each view reads through a selector (a request the user may not see is a 404,
whatever the reason), validates with a form and writes through the same service
as the API. Times are shown in the user's own time zone; they are stored in UTC.
"""

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from companies import notifications
from companies.forms import apply_service_errors
from matching import forms, selectors, services
from matching.models import SourcingRequest

View = Callable[..., HttpResponse]
REQUEST_PAGE_SIZE = 20
SEARCH_PAGE_SIZE = 20
NOTIFICATION_PAGE_SIZE = 30


def _found(obj: Any) -> Any:
    if obj is None:
        raise Http404("Not found.")
    return obj


def user_time_zone(request: HttpRequest) -> zoneinfo.ZoneInfo:
    name = getattr(request.user, "time_zone", "") or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def in_user_time_zone(view: View) -> View:
    """Show and read dates in the user's time zone while the view runs."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with timezone.override(user_time_zone(request)):
            return view(request, *args, **kwargs)

    return wrapped


def _require_buyer_or_staff(request: HttpRequest) -> None:
    user = request.user
    if user.is_staff or (user.organisation is not None and user.organisation.is_buyer):
        return
    raise PermissionDenied("Supplier search and saved searches are for buyers' users.")


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# SOURCING REQUESTS
# ------------------------------------------------------------------------------


@in_user_time_zone
def request_list(request: HttpRequest) -> HttpResponse:
    """A buyer's users see their own requests; anyone else the requests visible to them."""
    organisation = getattr(request.user, "organisation", None)
    is_buyer = organisation is not None and organisation.is_buyer
    form = forms.RequestListFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    requests = selectors.request_list_filtered(user=request.user, status=status, mine=is_buyer)
    page = Paginator(requests, REQUEST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/request_list.html",
        {"form": form, "page": page, "is_buyer": is_buyer, "query": _query_without_page(request)},
    )


@login_required
@in_user_time_zone
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    services.buyer_of(request.user)  # a clear 403 for SMEs and cluster bodies
    form = forms.RequestForm(
        request.POST or None,
        initial=forms.RequestForm.initial_for(None),
        time_zone_name=str(timezone.get_current_timezone()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(actor=request.user, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, "Request saved as a draft. Open it when you are ready for suppliers."
            )
            return redirect("request-detail", pk=created.pk)
    return render(request, "matching/request_form.html", {"form": form, "sourcing_request": None})


@login_required
@in_user_time_zone
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sourcing_request = _found(selectors.request_get_editable(user=request.user, pk=pk))
    form = forms.RequestForm(
        request.POST or None,
        initial=forms.RequestForm.initial_for(sourcing_request),
        time_zone_name=str(timezone.get_current_timezone()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(
                request=sourcing_request, actor=request.user, data=form.service_data()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Request saved.")
            return redirect("request-detail", pk=sourcing_request.pk)
    return render(
        request,
        "matching/request_form.html",
        {"form": form, "sourcing_request": sourcing_request},
    )


@in_user_time_zone
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from matching import proposal_views  # imported here: it imports this module

    sourcing_request = _found(selectors.request_get_visible(user=request.user, pk=pk))
    organisation = getattr(request.user, "organisation", None)
    is_own = organisation is not None and sourcing_request.buyer_id == organisation.pk
    fit = None
    if organisation is not None and organisation.is_supplier:
        fit = selectors.request_fit_for_supplier(request=sourcing_request, supplier=organisation)
    status = sourcing_request.effective_status
    return render(
        request,
        "matching/request_detail.html",
        {
            "sourcing_request": sourcing_request,
            "is_own": is_own,
            "fit": fit,
            "can_edit": is_own and status in services.EDITABLE_STATUSES,
            "can_open": is_own and sourcing_request.status == SourcingRequest.Status.DRAFT,
            "can_close": is_own and sourcing_request.status in services.EDITABLE_STATUSES,
            "linkages": selectors.request_linkages(request=sourcing_request) if is_own else [],
            "wanted_countries": sorted(selectors.wanted_countries(sourcing_request)),
            "subregion_names": selectors.subregion_names(sourcing_request),
            **proposal_views.request_proposals_context(request, sourcing_request),
        },
    )


def _lifecycle_action(request: HttpRequest, pk: int, action: Callable, done: str) -> HttpResponse:
    sourcing_request = _found(selectors.request_get_editable(user=request.user, pk=pk))
    try:
        action(request=sourcing_request, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("request-detail", pk=sourcing_request.pk)


@login_required
@require_POST
def request_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle_action(
        request, pk, services.request_open, "Request opened: suppliers can now see it."
    )


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle_action(
        request, pk, services.request_close, "Request closed: it no longer takes responses."
    )


@login_required
@require_POST
def linkage_award(request: HttpRequest, pk: int, linkage_pk: int) -> HttpResponse:
    linkage = _found(
        selectors.linkage_get_for_buyer(user=request.user, request_pk=pk, pk=linkage_pk)
    )
    try:
        services.proposal_award(proposal=linkage, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Awarded to {linkage.supplier.legal_name}.")
    return redirect("request-detail", pk=pk)


# OPEN REQUESTS FOR SMES
# ------------------------------------------------------------------------------


@login_required
@in_user_time_zone
def open_requests(request: HttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    if organisation is None or not organisation.is_supplier:
        raise PermissionDenied(
            "Open requests are shown to SME suppliers, with how they meet each one."
        )
    form = forms.OpenRequestFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    fits = selectors.open_requests_for_supplier(supplier=organisation, **filters)
    page = Paginator(fits, REQUEST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/open_requests.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "query": _query_without_page(request),
        },
    )


# SUPPLIER SEARCH AND SAVED SEARCHES
# ------------------------------------------------------------------------------


def _search_params(data: QueryDict) -> QueryDict:
    """Only the search's filter parameters of a GET or POST, keeping repeated values."""
    params = QueryDict(mutable=True)
    for name in forms.SEARCH_FILTER_PARAMS:
        values = [v for v in data.getlist(name) if v != ""]
        if values:
            params.setlist(name, values)
    return params


@login_required
def supplier_search(request: HttpRequest) -> HttpResponse:
    from matching import proposal_views  # imported here: it imports this module
    from matching.search import SupplierSearchFilters
    from matching.search import supplier_search as run_search

    _require_buyer_or_staff(request)
    form = forms.SupplierSearchForm(request.GET or None)
    params = _search_params(request.GET)
    query = (request.GET.get("q") or "").strip()
    found = None
    pages = None
    if request.GET and form.is_valid():
        try:
            filters = SupplierSearchFilters.from_params(params)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            try:
                page_number = max(1, int(request.GET.get("page") or 1))
            except ValueError:
                page_number = 1
            found = run_search(
                user=request.user,
                query=query,
                filters=filters,
                page=page_number,
                page_size=SEARCH_PAGE_SIZE,
            )
            pages = {
                "number": found.page,
                "last": found.pages,
                "previous": found.page - 1 if found.has_previous else None,
                "next": found.page + 1 if found.has_next else None,
            }
    return render(
        request,
        "matching/supplier_search.html",
        {
            "form": form,
            "found": found,
            "pages": pages,
            "query": _query_without_page(request),
            "save_form": forms.SavedSearchForm(initial={"name": query[:120]}),
            "saved_params": [(k, v) for k in params for v in params.getlist(k)],
            "q": query,
            "invite_requests": proposal_views.invite_requests_for(request.user),
        },
    )


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    _require_buyer_or_staff(request)
    params = _search_params(request.POST)
    query = (request.POST.get("q") or "").strip()
    try:
        services.saved_search_create(
            actor=request.user, name=request.POST.get("name", ""), query=query, params=params
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        back = params.copy()
        if query:
            back["q"] = query
        return redirect(f"{reverse('supplier-search')}?{back.urlencode()}")
    messages.success(request, "Search saved. We will tell you when a new supplier matches it.")
    return redirect("saved-search-list")


@login_required
def saved_search_list(request: HttpRequest) -> HttpResponse:
    _require_buyer_or_staff(request)
    rows = []
    for saved in selectors.saved_search_list(user=request.user):
        query = QueryDict(mutable=True)
        for key, value in selectors.saved_search_params(saved).items():
            if isinstance(value, list):
                query.setlist(key, [str(v) for v in value])
            else:
                query[key] = str(value)
        rows.append({"saved": saved, "query": query.urlencode()})
    return render(request, "matching/saved_search_list.html", {"rows": rows})


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _found(selectors.saved_search_get(user=request.user, pk=pk))
    services.saved_search_delete(saved_search=saved, actor=request.user)
    messages.success(request, f"Saved search “{saved.name}” deleted.")
    return redirect("saved-search-list")


# NOTIFICATIONS
# ------------------------------------------------------------------------------


@login_required
@in_user_time_zone
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        notifications.notification_list(user=request.user), NOTIFICATION_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/notification_list.html",
        {
            "page": page,
            "unread_count": notifications.notification_unread_count(user=request.user),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _found(notifications.notification_get(user=request.user, pk=pk))
    notifications.notification_mark_read(notification=notification, user=request.user)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notification-list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = notifications.notification_mark_all_read(user=request.user)
    messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked read.")
    return redirect("notification-list")


@csrf_exempt  # the signed token is the credential; mail clients' one-click POST has no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Turn e-mail copies off from the link in an e-mail, without logging in.

    A GET only asks: mail scanners follow links, and must not unsubscribe anyone.
    """
    user = notifications.user_for_unsubscribe_token(token=token)
    if user is None:
        return render(request, "matching/unsubscribe_invalid.html", status=404)
    done = False
    if request.method == "POST":
        notifications.email_notifications_turn_off(user=user)
        done = True
    return render(
        request,
        "matching/unsubscribe.html",
        {"email": user.email, "done": done or not user.email_notifications},
    )
