"""Pages of sourcing requests: a buyer's list, the form, the request page and its
lifecycle, and the open requests suppliers browse."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from companies.permissions import is_buyer_user
from matching import forms, permissions, selectors, services
from matching.models import SourcingRequest
from matching.views.actors import signed_in_user
from matching.views.proposals import request_proposals_context
from sme_platform.errors import Forbidden
from sme_platform.pages import apply_service_errors, found, query_without_page

REQUEST_PAGE_SIZE = 20


def request_list(request: HttpRequest) -> HttpResponse:
    """A buyer's users see their own requests; anyone else the requests visible to them."""
    is_buyer = is_buyer_user(request.user)
    form = forms.RequestListFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    requests = selectors.request_list_filtered(user=request.user, status=status, mine=is_buyer)
    page = Paginator(requests, REQUEST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/request_list.html",
        {"form": form, "page": page, "is_buyer": is_buyer, "query": query_without_page(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    permissions.buyer_of(request.user)  # a clear 403 for SMEs and cluster bodies, before the form
    form = forms.RequestForm(
        request.POST or None,
        initial=forms.RequestForm.initial_for(None),
        time_zone_name=str(timezone.get_current_timezone()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(actor=signed_in_user(request), **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, "Request saved as a draft. Open it when you are ready for suppliers."
            )
            return redirect("request-detail", pk=created.pk)
    return render(request, "matching/request_form.html", {"form": form, "sourcing_request": None})


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sourcing_request = found(selectors.request_get_editable(user=request.user, pk=pk))
    form = forms.RequestForm(
        request.POST or None,
        initial=forms.RequestForm.initial_for(sourcing_request),
        time_zone_name=str(timezone.get_current_timezone()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update(
                request=sourcing_request, actor=signed_in_user(request), data=form.service_data()
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


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:

    sourcing_request = found(selectors.request_get_visible(user=request.user, pk=pk))
    is_own = permissions.is_request_buyer(request.user, sourcing_request)
    fit = None
    supplier = permissions.supplier_of(request.user)
    if supplier is not None:
        fit = selectors.request_fit_for_supplier(request=sourcing_request, supplier=supplier)
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
            **request_proposals_context(request, sourcing_request),
        },
    )


def _lifecycle_action(request: HttpRequest, pk: int, action: Callable, done: str) -> HttpResponse:
    sourcing_request = found(selectors.request_get_editable(user=request.user, pk=pk))
    try:
        action(request=sourcing_request, actor=request.user)
    except Forbidden as exc:
        messages.error(request, str(exc))
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
    linkage = found(
        selectors.linkage_get_for_buyer(user=request.user, request_pk=pk, pk=linkage_pk)
    )
    try:
        services.proposal_award(proposal=linkage, actor=signed_in_user(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Awarded to {linkage.supplier.legal_name}.")
    return redirect("request-detail", pk=pk)


@login_required
def open_requests(request: HttpRequest) -> HttpResponse:
    organisation = permissions.supplier_of(request.user)
    if organisation is None:
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
            "query": query_without_page(request),
        },
    )
