"""Writes for sourcing requests, their lifecycle, awards and saved searches.

Every function takes values the form or serializer has already parsed, checks them
against the model's own field definitions and the business rules, writes inside
one transaction and enqueues follow-up jobs on commit. A broken rule raises
``ApplicationError`` (an ``ApplicationError``) keyed by field and writes nothing; an actor
outside the owning organisation gets ``PermissionDenied`` (views look objects up
through the selectors first, so another buyer's request is a 404 long before it
gets here).
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from companies import validation
from companies.models import CertificationScheme, Organisation, User
from companies.permissions import require_confirmed_email
from matching import hooks, permissions
from matching.models import Proposal, SavedSearch, SavedSearchHit, SourcingRequest, max_length_of
from matching.permissions import buyer_of
from matching.search import SupplierSearchFilters, supplier_matches
from matching.selectors import saved_search_filters
from matching.tasks import match_request_task
from notifications.services import notify
from sme_platform.errors import ApplicationError, error_dict
from sme_platform.outbox import enqueue_on_commit

__all__ = [
    "EDITABLE_STATUSES",
    "REQUEST_FIELDS",
    "RequestData",
    "buyer_of",
    "proposal_award",
    "request_close",
    "request_create",
    "request_expire_due",
    "request_open",
    "request_update",
    "saved_search_create",
    "saved_search_delete",
    "saved_searches_notify_for_supplier",
]


class RequestData(TypedDict, total=False):
    """The fields a buyer sets on a request, as the form and the API parse them."""

    title: str
    description: str
    hs_codes: Sequence[str]
    isic_codes: Sequence[str]
    required_certifications: Sequence[str]
    countries: Sequence[str]
    subregions: Sequence[str]
    allow_consortium: bool
    volume_per_month: int | None
    unit: str
    target_start: dt.date | None
    deadline: dt.datetime
    visibility: str


REQUEST_FIELDS = frozenset(RequestData.__annotations__)
EDITABLE_STATUSES = (SourcingRequest.Status.DRAFT, SourcingRequest.Status.OPEN)
NOT_THE_BUYER = "Only the buyer's users may change this request."
VALIDATION_ERROR = "Validation error"


# CHECKING A REQUEST
# ------------------------------------------------------------------------------


def _refuse(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, {field: [message]})


def _certification_schemes(codes: Iterable[str]) -> list[CertificationScheme]:
    """Schemes by catalogue code, or by name as people write it ("ISO 9001")."""
    wanted = [str(c).strip() for c in codes if str(c).strip()]
    by_code = {s.code: s for s in CertificationScheme.objects.filter(code__in=wanted)}
    found: list[CertificationScheme] = []
    unknown: list[str] = []
    for item in wanted:
        scheme = by_code.get(item) or CertificationScheme.objects.filter(name__iexact=item).first()
        if scheme is None:
            unknown.append(item)
        elif scheme not in found:
            found.append(scheme)
    if unknown:
        raise _refuse("required_certifications", f"Unknown certification: {', '.join(unknown)}.")
    return found


# The catalogue rows a request names by code; an unknown code is that field's error.
_CATALOGUES: dict[str, Callable[[Iterable[str]], Sequence[models.Model]]] = {
    "hs_codes": validation.clean_hs_codes,
    "isic_codes": validation.clean_isic_codes,
    "required_certifications": _certification_schemes,
}


def _rule_errors(
    request: SourcingRequest, *, deadline_set: bool, malformed: Iterable[str]
) -> dict[str, list[str]]:
    """What the business rules refuse, among the fields that are each well formed."""
    malformed = set(malformed)
    errors: dict[str, list[str]] = {}
    if deadline_set and "deadline" not in malformed:
        if timezone.is_naive(request.deadline):
            errors["deadline"] = ["Give the deadline with its time zone."]
        elif request.deadline <= timezone.now():
            errors["deadline"] = ["The deadline must be in the future."]
    # A volume means nothing without its unit: capacity is compared only in the same unit.
    if request.volume_per_month and not request.unit and not malformed & {"volume_per_month"}:
        errors.setdefault("unit", []).append("Give the unit of the volume, e.g. pieces or kg.")
    return errors


def _write_request(request: SourcingRequest, data: RequestData) -> SourcingRequest:
    """Set the fields given, check them all (every bad field is reported at once), save."""
    unknown = set(data) - REQUEST_FIELDS
    if unknown:
        raise ApplicationError(
            VALIDATION_ERROR, {f: ["This field cannot be set here."] for f in sorted(unknown)}
        )
    errors: dict[str, list[str]] = {}
    relations: dict[str, Sequence[models.Model]] = {}
    for name, lookup in _CATALOGUES.items():
        if name in data:
            try:
                relations[name] = lookup(data[name] or [])  # type: ignore[literal-required]
            except ValidationError as exc:
                errors.update(error_dict(exc))
    deadline_set = "deadline" in data and (
        request.pk is None or data["deadline"] != request.deadline
    )
    for name, value in data.items():
        if name not in _CATALOGUES:
            setattr(request, name, value)
    try:
        # The database's constraints back up the rules checked just below.
        request.full_clean(exclude=["buyer", "created_by"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(error_dict(exc))
    for name, messages in _rule_errors(
        request, deadline_set=deadline_set, malformed=errors
    ).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ApplicationError(VALIDATION_ERROR, errors)
    request.save()
    for name, rows in relations.items():
        getattr(request, name).set(rows)
    return request


def _enqueue_matching(request: SourcingRequest) -> None:
    enqueue_on_commit(match_request_task, request.pk)


# SOURCING REQUESTS
# ------------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    actor: User,
    title: str,
    deadline: dt.datetime,
    description: str = "",
    hs_codes: Sequence[str] = (),
    isic_codes: Sequence[str] = (),
    required_certifications: Sequence[str] = (),
    countries: Sequence[str] = (),
    subregions: Sequence[str] = (),
    allow_consortium: bool = True,
    volume_per_month: int | None = None,
    unit: str = "",
    target_start: dt.date | None = None,
    visibility: str = SourcingRequest.Visibility.PUBLIC,
) -> SourcingRequest:
    """A buyer's user drafts a request; it is seen by suppliers once opened."""
    buyer = buyer_of(actor)
    return _write_request(
        SourcingRequest(buyer=buyer, created_by=actor),
        {
            "title": title,
            "description": description,
            "hs_codes": hs_codes,
            "isic_codes": isic_codes,
            "required_certifications": required_certifications,
            "countries": list(countries),
            "subregions": list(subregions),
            "allow_consortium": allow_consortium,
            "volume_per_month": volume_per_month,
            "unit": unit,
            "target_start": target_start,
            "deadline": deadline,
            "visibility": visibility,
        },
    )


@transaction.atomic
def request_update(*, request: SourcingRequest, actor: User, data: RequestData) -> SourcingRequest:
    """Change the fields given in ``data``; a draft or open request only."""
    if not permissions.can_edit_request(actor, request):
        raise PermissionDenied(NOT_THE_BUYER)
    request = SourcingRequest.objects.select_for_update().get(pk=request.pk)
    if request.effective_status not in EDITABLE_STATUSES:
        raise _refuse(
            "status", f"This request is {request.effective_status}; it can no longer be edited."
        )
    request = _write_request(request, data)
    if request.status == SourcingRequest.Status.OPEN:
        _enqueue_matching(request)
    return request


@transaction.atomic
def request_open(*, request: SourcingRequest, actor: User) -> SourcingRequest:
    """Publish a draft: suppliers can see it (public) and the matcher proposes suppliers."""
    if not permissions.is_request_buyer(actor, request):
        raise PermissionDenied(NOT_THE_BUYER)
    require_confirmed_email(actor)
    request = SourcingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != SourcingRequest.Status.DRAFT:
        raise _refuse("status", f"Only a draft can be opened; this one is {request.status}.")
    if request.deadline <= timezone.now():
        raise _refuse(
            "deadline", "The deadline has passed; set a deadline in the future, then open it."
        )
    request.status = SourcingRequest.Status.OPEN
    request.opened_at = timezone.now()
    request.save(update_fields=["status", "opened_at", "updated_at"])
    _enqueue_matching(request)
    return request


def _close_pending_proposals(request_ids: Iterable[int]) -> None:
    request_ids = list(request_ids)
    Proposal.objects.filter(request_id__in=request_ids, status=Proposal.Status.PENDING).update(
        status=Proposal.Status.CLOSED, updated_at=timezone.now()
    )
    hooks.requests_closed.send(sender=SourcingRequest, request_ids=request_ids)


@transaction.atomic
def request_close(*, request: SourcingRequest, actor: User) -> SourcingRequest:
    """The buyer stops taking responses, before or after the deadline; a draft is withdrawn."""
    if not permissions.is_request_buyer(actor, request):
        raise PermissionDenied(NOT_THE_BUYER)
    request = SourcingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in EDITABLE_STATUSES:
        raise _refuse("status", f"This request is already {request.status}.")
    request.status = SourcingRequest.Status.CLOSED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at", "updated_at"])
    _close_pending_proposals([request.pk])
    return request


@transaction.atomic
def request_expire_due(*, now: dt.datetime | None = None) -> int:
    """Close every open request whose deadline has passed; returns how many were closed."""
    now = now or timezone.now()
    due = list(
        SourcingRequest.objects.select_for_update()
        .filter(status=SourcingRequest.Status.OPEN, deadline__lte=now)
        .values_list("pk", flat=True)
    )
    if not due:
        return 0
    SourcingRequest.objects.filter(pk__in=due).update(
        status=SourcingRequest.Status.CLOSED, closed_at=now, updated_at=now
    )
    _close_pending_proposals(due)
    return len(due)


@transaction.atomic
def proposal_award(*, proposal: Proposal, actor: User) -> Proposal:
    """The buyer awards one of its linkages; the request becomes awarded.

    More than one linkage of a request may be awarded (a split order).
    """
    request = proposal.request
    if not permissions.is_request_buyer(actor, request):
        raise PermissionDenied(NOT_THE_BUYER)
    # The request first, as a match job locks it before its proposals: the other order
    # would deadlock with one.
    SourcingRequest.objects.select_for_update(of=("self",)).filter(pk=request.pk).first()
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("request", "supplier")
        .get(pk=proposal.pk)
    )
    if proposal.status != Proposal.Status.LINKED:
        raise _refuse("proposal", "Only a linkage (accepted by both sides) can be awarded.")
    if proposal.awarded:
        raise _refuse("proposal", "This linkage is already awarded.")
    if request.status == SourcingRequest.Status.DRAFT:
        raise _refuse("status", "A draft request cannot be awarded.")
    proposal.awarded = True
    proposal.save(update_fields=["awarded", "updated_at"])
    request = proposal.request
    if request.status != SourcingRequest.Status.AWARDED:
        request.status = SourcingRequest.Status.AWARDED
        request.closed_at = request.closed_at or timezone.now()
        request.save(update_fields=["status", "closed_at", "updated_at"])
    for user in proposal.supplier.users.filter(is_active=True):
        notify(
            user=user,
            kind="request_awarded",
            title=f"{request.buyer.legal_name} awarded you: {request.title}",
            body="The buyer marked your linkage on this request as awarded.",
            url=reverse("request-detail", kwargs={"pk": request.pk}),
            key=f"proposal:{proposal.pk}:awarded",
        )
    return proposal


# SAVED SEARCHES
# ------------------------------------------------------------------------------


@transaction.atomic
def saved_search_create(
    *, actor: User, name: str, query: str = "", params: Mapping[str, Any] | None = None
) -> SavedSearch:
    """Keep a supplier search so the user hears of new suppliers that match it.

    ``params`` are the search filters as the search page and API take them; they are
    checked by the search module's own parser and stored in its JSON form.
    """

    if not permissions.can_search_suppliers(actor):
        raise PermissionDenied("Only buyers' users search suppliers and save searches.")
    errors: dict[str, list[str]] = {}
    filters = SupplierSearchFilters()
    try:
        filters = SupplierSearchFilters.from_params(params or {})
    except ValidationError as exc:
        errors.update(error_dict(exc))
    query = (query or "").strip()
    name_limit = max_length_of(SavedSearch, "name")
    saved = SavedSearch(
        user=actor,
        name=(name or "").strip() or query[:name_limit] or "Supplier search",
        query=query,
        filters=filters.as_dict(),
    )
    try:
        saved.full_clean()
    except ValidationError as exc:
        errors.update(error_dict(exc))
    if errors:
        raise ApplicationError(VALIDATION_ERROR, errors)
    saved.save()
    return saved


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch, actor: User) -> None:
    if saved_search.user_id != actor.pk:
        raise PermissionDenied("A saved search is deleted by its own user only.")
    saved_search.delete()


@transaction.atomic
def saved_searches_notify_for_supplier(*, supplier_id: int) -> int:
    """Tell each saved search's user once about a new supplier that matches it.

    "New" means registered after the search was saved: suppliers already there
    were in the results when the user saved it. Returns how many were told.
    """

    # Only firms staff have checked are announced: an alert is the platform vouching
    # that a supplier is worth a look. Verifying a firm changes its profile, which calls
    # here again, so its alerts go out then.
    supplier = (
        Organisation.objects.claimed()
        .filter(
            pk=supplier_id,
            kind=Organisation.Kind.SUPPLIER,
            verification=Organisation.Verification.VERIFIED,
        )
        .first()
    )
    if supplier is None:
        return 0
    candidates = (
        SavedSearch.objects.select_related("user")
        .filter(created_at__lt=supplier.created_at, user__is_active=True)
        .exclude(hits__supplier=supplier)
        # Never tell a user about their own organisation.
        .exclude(Q(user__organisation_id=supplier.pk))
    )
    told = 0
    for saved in candidates:
        try:
            filters = saved_search_filters(saved)
        except ValidationError:
            # Stored filters that no longer parse (a code withdrawn from the catalogue)
            # match nobody rather than everybody.
            continue
        if not supplier_matches(
            supplier_id=supplier.pk, query=saved.query, filters=filters, viewer=saved.user
        ):
            continue
        _, created = SavedSearchHit.objects.get_or_create(saved_search=saved, supplier=supplier)
        if not created:
            continue
        notify(
            user=saved.user,
            kind="saved_search_hit",
            title=f"New supplier for “{saved.name}”: {supplier.legal_name}",
            body=(
                f"{supplier.legal_name} ({supplier.country}) registered and matches your "
                f"saved search “{saved.name}”."
            ),
            url=reverse("organisation-profile", kwargs={"slug": supplier.slug}),
            send_email=saved.notify_email,
            key=f"saved_search:{saved.pk}:supplier:{supplier.pk}",
        )
        told += 1
    return told
