"""Writes for sourcing requests, their lifecycle, awards and saved searches.

Every function validates everything first, writes inside one transaction and
enqueues follow-up jobs on commit. Bad input raises ``ValidationError`` keyed by
field and writes nothing; an actor outside the owning organisation gets
``PermissionDenied`` (views look objects up through the selectors first, so
another buyer's request is a 404 long before it gets here).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from companies import validation
from companies.models import CertificationScheme, Organisation, Unit, User
from matching import hooks, permissions, regions
from matching.models import Proposal, SavedSearch, SavedSearchHit, SourcingRequest
from matching.permissions import buyer_of
from matching.search import SupplierSearchFilters, supplier_matches
from matching.selectors import saved_search_filters
from matching.tasks import match_request
from notifications.services import notify

__all__ = [
    "EDITABLE_STATUSES",
    "REQUEST_FIELDS",
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

# Fields a buyer sets on a request, and which of them take free text of bounded length.
REQUEST_FIELDS = frozenset(
    {
        "title",
        "description",
        "hs_codes",
        "isic_codes",
        "required_certifications",
        "countries",
        "subregions",
        "allow_consortium",
        "volume_per_month",
        "unit",
        "target_start",
        "deadline",
        "visibility",
    }
)
_TEXT_LIMITS = {"title": 200, "description": 10000}
_RELATIONS = ("hs_codes", "isic_codes", "required_certifications")
EDITABLE_STATUSES = (SourcingRequest.Status.DRAFT, SourcingRequest.Status.OPEN)

SAVED_SEARCH_NAME_LIMIT = 120
SAVED_SEARCH_QUERY_LIMIT = 500


# PERMISSIONS
# ------------------------------------------------------------------------------


NOT_THE_BUYER = "Only the buyer's users may change this request."


# VALIDATION
# ------------------------------------------------------------------------------


def _clean_certifications(raw: Iterable[str]) -> list[CertificationScheme]:
    wanted = [str(c).strip() for c in raw if str(c).strip()]
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
        raise ValidationError(
            {"required_certifications": [f"Unknown certification: {', '.join(unknown)}."]}
        )
    return found


def _clean_subregions(raw: Iterable[str]) -> list[str]:
    slugs = [str(s).strip().lower() for s in raw if str(s).strip()]
    unknown = [s for s in slugs if not regions.is_subregion(s)]
    if unknown:
        known = ", ".join(slug for slug, _ in regions.subregion_choices())
        raise ValidationError(
            {"subregions": [f"Unknown subregion: {', '.join(unknown)}. Choose from: {known}."]}
        )
    return list(dict.fromkeys(slugs))


def _clean_volume(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool):
        raise ValidationError({"volume_per_month": ["Give a whole number."]})
    try:
        volume = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"volume_per_month": ["Give a whole number."]}) from None
    if volume != raw and str(volume) != str(raw).strip():
        raise ValidationError({"volume_per_month": ["Give a whole number."]})
    if volume <= 0:
        raise ValidationError({"volume_per_month": ["The volume must be greater than zero."]})
    return volume


def _clean_deadline(raw: Any) -> dt.datetime:
    if raw in (None, ""):
        raise ValidationError({"deadline": ["Give the deadline for responses."]})
    if not isinstance(raw, dt.datetime):
        raise ValidationError({"deadline": ["Give a date and time."]})
    if timezone.is_naive(raw):
        raise ValidationError({"deadline": ["Give the deadline with its time zone."]})
    if raw <= timezone.now():
        raise ValidationError({"deadline": ["The deadline must be in the future."]})
    return raw.astimezone(dt.UTC)


def _clean_request_data(
    data: Mapping[str, Any], *, request: SourcingRequest
) -> tuple[dict[str, Any], dict[str, list]]:
    """Check every field given; return (plain field values, relation values) or raise.

    All errors are gathered so that a form shows each bad field at once.
    """
    unknown = set(data) - REQUEST_FIELDS
    if unknown:
        raise ValidationError({f: ["This field cannot be set here."] for f in sorted(unknown)})

    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    relations: dict[str, list] = {}

    def collect(name: str, fn, /, *args, **kwargs) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key if key != "__all__" else name, []).extend(messages)
            return None

    for field, limit in _TEXT_LIMITS.items():
        if field in data:
            text = str(data[field] or "").strip()
            if len(text) > limit:
                errors[field] = [f"At most {limit:,} characters (you gave {len(text):,})."]
            values[field] = text
    if "title" in values and not values["title"]:
        errors["title"] = ["Give the request a title."]

    if "hs_codes" in data:
        relations["hs_codes"] = collect(
            "hs_codes", validation.clean_hs_codes, data["hs_codes"] or []
        )
    if "isic_codes" in data:
        relations["isic_codes"] = collect(
            "isic_codes", validation.clean_isic_codes, data["isic_codes"] or []
        )
    if "required_certifications" in data:
        relations["required_certifications"] = collect(
            "required_certifications", _clean_certifications, data["required_certifications"] or []
        )
    if "countries" in data:
        values["countries"] = collect(
            "countries", validation.clean_countries, data["countries"] or [], field="countries"
        )
    if "subregions" in data:
        values["subregions"] = collect("subregions", _clean_subregions, data["subregions"] or [])
    if "allow_consortium" in data:
        if not isinstance(data["allow_consortium"], bool):
            errors["allow_consortium"] = ["Answer yes or no."]
        values["allow_consortium"] = data["allow_consortium"]
    if "volume_per_month" in data:
        values["volume_per_month"] = collect(
            "volume_per_month", _clean_volume, data["volume_per_month"]
        )
    if "unit" in data:
        unit = data["unit"] or ""
        if unit and unit not in Unit.values:
            errors["unit"] = [f"Choose one of: {', '.join(Unit.values)}."]
        values["unit"] = unit
    if "target_start" in data:
        start = data["target_start"]
        if start not in (None, "") and (
            not isinstance(start, dt.date) or isinstance(start, dt.datetime)
        ):
            errors["target_start"] = ["Give a date."]
        values["target_start"] = start or None
    if "deadline" in data and (request.pk is None or data["deadline"] != request.deadline):
        values["deadline"] = collect("deadline", _clean_deadline, data["deadline"])
    if "visibility" in data:
        if data["visibility"] not in SourcingRequest.Visibility.values:
            errors["visibility"] = ["Choose public or confidential."]
        values["visibility"] = data["visibility"]

    # A volume means nothing without its unit: capacity is compared only in the same unit.
    volume = values.get("volume_per_month", request.volume_per_month)
    unit = values.get("unit", request.unit)
    if volume and not unit and "volume_per_month" not in errors:
        errors.setdefault("unit", []).append("Give the unit of the volume, e.g. pieces or kg.")

    if errors:
        raise ValidationError(errors)
    return values, relations


def _save_request(
    request: SourcingRequest, values: dict[str, Any], relations: dict[str, list]
) -> SourcingRequest:
    for field, value in values.items():
        setattr(request, field, value)
    request.full_clean(exclude=["buyer", "created_by"])
    request.save()
    for field, objects in relations.items():
        getattr(request, field).set(objects)
    return request


def _enqueue_matching(request: SourcingRequest) -> None:

    request_id = request.pk
    transaction.on_commit(lambda: match_request.delay(request_id))


# SOURCING REQUESTS
# ------------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    actor: User,
    title: str,
    deadline: dt.datetime,
    description: str = "",
    hs_codes: Iterable[str] = (),
    isic_codes: Iterable[str] = (),
    required_certifications: Iterable[str] = (),
    countries: Iterable[str] = (),
    subregions: Iterable[str] = (),
    allow_consortium: bool = True,
    volume_per_month: int | None = None,
    unit: str = "",
    target_start: dt.date | None = None,
    visibility: str = SourcingRequest.Visibility.PUBLIC,
) -> SourcingRequest:
    """A buyer's user drafts a request; it is seen by suppliers once opened."""
    buyer = buyer_of(actor)
    request = SourcingRequest(buyer=buyer, created_by=actor)
    values, relations = _clean_request_data(
        {
            "title": title,
            "description": description,
            "hs_codes": list(hs_codes),
            "isic_codes": list(isic_codes),
            "required_certifications": list(required_certifications),
            "countries": list(countries),
            "subregions": list(subregions),
            "allow_consortium": allow_consortium,
            "volume_per_month": volume_per_month,
            "unit": unit,
            "target_start": target_start,
            "deadline": deadline,
            "visibility": visibility,
        },
        request=request,
    )
    return _save_request(request, values, relations)


@transaction.atomic
def request_update(
    *, request: SourcingRequest, actor: User, data: Mapping[str, Any]
) -> SourcingRequest:
    """Change the fields given in ``data``; a draft or open request only."""
    if not permissions.can_edit_request(actor, request):
        raise PermissionDenied(NOT_THE_BUYER)
    request = SourcingRequest.objects.select_for_update().get(pk=request.pk)
    if request.effective_status not in EDITABLE_STATUSES:
        raise ValidationError(
            {"status": [f"This request is {request.effective_status}; it can no longer be edited."]}
        )
    values, relations = _clean_request_data(data, request=request)
    request = _save_request(request, values, relations)
    if request.status == SourcingRequest.Status.OPEN:
        _enqueue_matching(request)
    return request


@transaction.atomic
def request_open(*, request: SourcingRequest, actor: User) -> SourcingRequest:
    """Publish a draft: suppliers can see it (public) and the matcher proposes suppliers."""
    if not permissions.is_request_buyer(actor, request):
        raise PermissionDenied(NOT_THE_BUYER)
    request = SourcingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != SourcingRequest.Status.DRAFT:
        raise ValidationError(
            {"status": [f"Only a draft can be opened; this one is {request.status}."]}
        )
    if request.deadline <= timezone.now():
        raise ValidationError(
            {"deadline": ["The deadline has passed; set a deadline in the future, then open it."]}
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
        raise ValidationError({"status": [f"This request is already {request.status}."]})
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
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("request", "supplier")
        .get(pk=proposal.pk)
    )
    if proposal.status != Proposal.Status.LINKED:
        raise ValidationError(
            {"proposal": ["Only a linkage (accepted by both sides) can be awarded."]}
        )
    if proposal.awarded:
        raise ValidationError({"proposal": ["This linkage is already awarded."]})
    if request.status == SourcingRequest.Status.DRAFT:
        raise ValidationError({"status": ["A draft request cannot be awarded."]})
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
    name = (name or "").strip()
    query = (query or "").strip()
    if not name:
        name = query[:SAVED_SEARCH_NAME_LIMIT] or "Supplier search"
    if len(name) > SAVED_SEARCH_NAME_LIMIT:
        errors["name"] = [f"At most {SAVED_SEARCH_NAME_LIMIT} characters."]
    if len(query) > SAVED_SEARCH_QUERY_LIMIT:
        errors["query"] = [f"At most {SAVED_SEARCH_QUERY_LIMIT} characters."]
    filters = None
    try:
        filters = SupplierSearchFilters.from_params(dict(params or {}))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert filters is not None  # noqa: S101 - set whenever there were no errors
    saved = SavedSearch(user=actor, name=name, query=query, filters=filters.as_dict())
    saved.full_clean()
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

    supplier = (
        Organisation.objects.claimed()
        .filter(pk=supplier_id, kind=Organisation.Kind.SUPPLIER)
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
        if not supplier_matches(supplier_id=supplier.pk, query=saved.query, filters=filters):
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
        )
        told += 1
    return told
