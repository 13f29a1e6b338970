"""Pages of supplier search and saved searches, for buyers' users."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from matching import forms, permissions, selectors, services
from matching.search import SupplierSearchFilters
from matching.search import supplier_search as run_search
from matching.views.actors import signed_in_user
from matching.views.proposals import invite_requests_for
from sme_platform.pages import apply_service_errors, found, query_without_page

SEARCH_PAGE_SIZE = 20


def _require_buyer_or_staff(request: HttpRequest) -> None:
    """Pages that call no service (the search, the list) ask the permission themselves."""
    if not permissions.can_search_suppliers(request.user):
        raise PermissionDenied("Supplier search and saved searches are for buyers' users.")


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
                user=signed_in_user(request),
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
            "query": query_without_page(request),
            "save_form": forms.SavedSearchForm(
                initial={"name": query[: forms.SAVED_SEARCH_NAME_LIMIT]}
            ),
            "saved_params": [(k, v) for k in params for v in params.getlist(k)],
            "q": query,
            "invite_requests": invite_requests_for(request.user),
        },
    )


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    params = _search_params(request.POST)
    query = (request.POST.get("q") or "").strip()
    try:
        services.saved_search_create(
            actor=signed_in_user(request),
            name=request.POST.get("name", ""),
            query=query,
            params=params,
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
    saved = found(selectors.saved_search_get(user=request.user, pk=pk))
    services.saved_search_delete(saved_search=saved, actor=signed_in_user(request))
    messages.success(request, f"Saved search “{saved.name}” deleted.")
    return redirect("saved-search-list")
