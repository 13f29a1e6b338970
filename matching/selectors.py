"""Reads for sourcing requests and saved searches; who may see what lives here.

A request nobody may see is simply absent (None, or missing from a list): the
views turn that into a 404, so a confidential request's existence never leaks.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from clusters.models import Cluster
from clusters.selectors import PublicLinkage, member_supplier_ids_managed_by, public_members
from companies.models import Organisation, ProductLine, Unit, User
from companies.permissions import is_staff_user
from companies.selectors import valid_certifications
from companies.validation import normalise_code
from engine.matcher import FACTOR_LABELS
from matching import hooks, regions
from matching.models import MatchRun, NearMiss, Proposal, SavedSearch, SourcingRequest
from matching.permissions import is_request_buyer, sees_request_proposals
from matching.search import SupplierSearchFilters

AnyUser = User | AnonymousUser


# VISIBILITY
# ------------------------------------------------------------------------------


def suppliers_of_managed_clusters(*, user: AnyUser) -> set[int]:
    """Ids of the suppliers in the clusters this user manages.

    Cluster managers see the confidential requests proposed to their members, and
    their members' proposals. Current members count, suspended ones included: a
    suspension keeps the firm in the cluster, under its managers' eye.
    """
    return member_supplier_ids_managed_by(user=user)


def _with_details(qs: QuerySet[SourcingRequest]) -> QuerySet[SourcingRequest]:
    return qs.select_related("buyer", "created_by").prefetch_related(
        "hs_codes", "isic_codes", "required_certifications"
    )


def _visibility_filter(user: AnyUser) -> Q | None:
    """The rows a user may see, or None for every row (staff)."""
    public_open = Q(
        visibility=SourcingRequest.Visibility.PUBLIC,
        status=SourcingRequest.Status.OPEN,
        deadline__gt=timezone.now(),
    )
    if not user.is_authenticated:
        return public_open
    if is_staff_user(user):
        return None
    visible = Q(visibility=SourcingRequest.Visibility.PUBLIC) & ~Q(
        status=SourcingRequest.Status.DRAFT
    )
    if user.organisation_id is not None:
        visible |= Q(buyer_id=user.organisation_id)
    proposed_to = {user.organisation_id} if user.organisation_id else set()
    proposed_to |= suppliers_of_managed_clusters(user=user)
    if proposed_to:
        visible |= ~Q(status=SourcingRequest.Status.DRAFT) & Q(
            Exists(Proposal.objects.filter(request=OuterRef("pk"), supplier_id__in=proposed_to))
        )
    # Higher apps grant more readers (a consortium's members and its cluster's managers).
    for granted in hooks.request_ids_granted_to(user):
        visible |= ~Q(status=SourcingRequest.Status.DRAFT) & Q(pk__in=granted)
    return visible


def request_list_visible_to(*, user: AnyUser) -> QuerySet[SourcingRequest]:
    """Every request the user may see.

    Anyone, even logged out, sees public open requests; logged-in users also see
    public closed and awarded ones; drafts and confidential requests only by the
    buyer's users, the suppliers they were proposed to (and their cluster
    managers), and staff.
    """
    qs = SourcingRequest.objects.all()
    visible = _visibility_filter(user)
    if visible is not None:
        qs = qs.filter(visible)
    return _with_details(qs)


def request_get_visible(*, user: AnyUser, pk: Any) -> SourcingRequest | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return request_list_visible_to(user=user).filter(pk=pk).first()


def request_get_editable(*, user: AnyUser, pk: Any) -> SourcingRequest | None:
    """A request the user may change: one of their own buyer's requests."""
    request = request_get_visible(user=user, pk=pk)
    if request is None or not is_request_buyer(user, request):
        return None
    return request


def filter_by_effective_status(
    qs: QuerySet[SourcingRequest], status: str
) -> QuerySet[SourcingRequest]:
    """Filter by the status a person sees: an open request past its deadline is closed."""
    now = timezone.now()
    if status == SourcingRequest.Status.OPEN:
        return qs.filter(status=status, deadline__gt=now)
    if status == SourcingRequest.Status.CLOSED:
        return qs.filter(
            Q(status=status) | Q(status=SourcingRequest.Status.OPEN, deadline__lte=now)
        )
    return qs.filter(status=status)


def wanted_countries(request: SourcingRequest) -> set[str]:
    """Countries named directly or through a subregion; empty means anywhere."""
    return regions.countries_of(
        countries=list(request.countries or []),
        subregion_slugs=[s for s in (request.subregions or []) if regions.is_subregion(s)],
    )


def _wants_country(request: SourcingRequest, country: str) -> bool:
    wanted = wanted_countries(request)
    return not wanted or country in wanted


def subregion_names(request: SourcingRequest) -> list[str]:
    known = regions.subregions()
    return [known[s].name for s in (request.subregions or []) if s in known]


def _filter_by_code(qs: QuerySet[SourcingRequest], code: str) -> QuerySet[SourcingRequest]:
    """Requests listing the code or any code below it (a heading finds its subheadings)."""
    code = normalise_code(code)
    matching_ids = SourcingRequest.objects.filter(
        Q(hs_codes__code__startswith=code) | Q(isic_codes__code__startswith=code)
    ).values("pk")
    return qs.filter(pk__in=matching_ids)


def request_list_filtered(
    *, user: AnyUser, status: str = "", code: str = "", country: str = "", mine: bool = False
) -> QuerySet[SourcingRequest] | list[SourcingRequest]:
    """The requests visible to the user, filtered as the list page and API offer.

    The country is checked against the subregion lists, which live outside the
    database, so with a country the result is a list rather than a QuerySet.
    """
    qs = request_list_visible_to(user=user)
    if mine:
        qs = qs.filter(buyer_id=getattr(user, "organisation_id", None) or 0)
    if status:
        qs = filter_by_effective_status(qs, status)
    if code:
        qs = _filter_by_code(qs, code)
    country = (country or "").strip().upper()
    if country:
        return [r for r in qs if _wants_country(r, country)]
    return qs


# OPEN REQUESTS FOR SUPPLIERS
# ------------------------------------------------------------------------------


@dataclass
class RequestFit:
    """An open request as one supplier sees it: whether it meets it, and what it lacks."""

    request: SourcingRequest
    lacks: list[str] = field(default_factory=list)

    @property
    def meets(self) -> bool:
        return not self.lacks


def _relevant_lines(request: SourcingRequest, lines: list[ProductLine]) -> list[ProductLine]:
    """Product lines for the requested products (same branch of the HS tree), else all."""
    wanted = [c.code for c in request.hs_codes.all()]
    if not wanted:
        return lines
    return [
        line
        for line in lines
        if any(line.hs_code_id.startswith(w) or w.startswith(line.hs_code_id) for w in wanted)
    ]


def _unit_label(unit: str) -> str:
    return Unit(unit).label if unit in Unit.values else unit


def request_fit(
    *,
    request: SourcingRequest,
    supplier: Organisation,
    held_schemes: set[str],
    lines: list[ProductLine],
) -> RequestFit:
    """What the supplier lacks for this request, in words a person reads."""
    lacks: list[str] = []
    for scheme in request.required_certifications.all():
        if scheme.code not in held_schemes:
            lacks.append(f"lacks {scheme.name}")
    if request.volume_per_month:
        relevant = _relevant_lines(request, lines)
        same_unit = [line for line in relevant if line.unit == request.unit]
        unit = _unit_label(request.unit)
        if not relevant:
            lacks.append("no stated capacity for the requested products")
        elif not same_unit:
            lacks.append("unit differs")
        else:
            capacity = sum(line.monthly_capacity for line in same_unit)
            if capacity < request.volume_per_month:
                lacks.append(f"capacity {capacity:,} < {request.volume_per_month:,} {unit} a month")
    if not _wants_country(request, supplier.country):
        lacks.append("outside the wanted countries")
    return RequestFit(request=request, lacks=lacks)


def open_requests_for_supplier(
    *, supplier: Organisation, code: str = "", country: str = "", certification: str = ""
) -> list[RequestFit]:
    """Public open requests, newest first, each with the supplier's fit.

    ``code`` is an HS or ISIC code at any level; ``country`` keeps requests that take
    suppliers from that country (including those open to anywhere); ``certification``
    keeps requests that require that scheme.
    """
    qs = _with_details(
        SourcingRequest.objects.filter(
            visibility=SourcingRequest.Visibility.PUBLIC,
            status=SourcingRequest.Status.OPEN,
            deadline__gt=timezone.now(),
        )
    )
    if certification:
        qs = qs.filter(
            Q(required_certifications__code=certification)
            | Q(required_certifications__name__iexact=certification)
        ).distinct()
    if code:
        qs = _filter_by_code(qs, code)
    country = (country or "").strip().upper()
    requests = [r for r in qs if not country or _wants_country(r, country)]
    held = set(
        valid_certifications().filter(organisation=supplier).values_list("scheme_id", flat=True)
    )
    lines = list(ProductLine.objects.filter(organisation=supplier))
    return [
        request_fit(request=r, supplier=supplier, held_schemes=held, lines=lines) for r in requests
    ]


def request_fit_for_supplier(*, request: SourcingRequest, supplier: Organisation) -> RequestFit:
    held = set(
        valid_certifications().filter(organisation=supplier).values_list("scheme_id", flat=True)
    )
    lines = list(ProductLine.objects.filter(organisation=supplier))
    return request_fit(request=request, supplier=supplier, held_schemes=held, lines=lines)


# LINKAGES OF A REQUEST
# ------------------------------------------------------------------------------


def request_linkages(*, request: SourcingRequest) -> QuerySet[Proposal]:
    """The linkages (accepted by both sides) of a request, for its buyer."""
    return (
        Proposal.objects.filter(request=request, status=Proposal.Status.LINKED)
        .select_related("supplier")
        .order_by("-awarded", "-score")
    )


def linkage_get_for_buyer(*, user: AnyUser, request_pk: Any, pk: Any) -> Proposal | None:
    request = request_get_editable(user=user, pk=request_pk)
    if request is None:
        return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Proposal.objects.select_related("request", "supplier")
        .filter(request=request, pk=pk)
        .first()
    )


# SAVED SEARCHES
# ------------------------------------------------------------------------------

# SupplierSearchFilters field -> the query parameter the search page and API take.
_FILTER_PARAMS = {
    "countries": "country",
    "subregions": "subregion",
    "hs_code": "hs_code",
    "isic_code": "isic_code",
    "certification": "certification",
    "min_capacity": "min_capacity",
    "capacity_unit": "unit",
    "verified_only": "verified_only",
    "cluster": "cluster",
}


def saved_search_list(*, user: AnyUser) -> QuerySet[SavedSearch]:
    if not user.is_authenticated:
        return SavedSearch.objects.none()
    return SavedSearch.objects.filter(user=user).prefetch_related(
        Prefetch("hits", to_attr="hit_list")
    )


def saved_search_get(*, user: AnyUser, pk: Any) -> SavedSearch | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return saved_search_list(user=user).filter(pk=pk).first()


def saved_search_params(saved: SavedSearch) -> dict[str, Any]:
    """The search page's query parameters that run this saved search again."""
    params: dict[str, Any] = {"q": saved.query} if saved.query else {}
    stored: Mapping[str, Any] = saved.filters or {}
    for name, param in _FILTER_PARAMS.items():
        value = stored.get(name, stored.get(param))
        if value in (None, "", [], (), False):
            continue
        if isinstance(value, bool):
            value = "1"
        params[param] = list(value) if isinstance(value, list | tuple) else value
    return params


def saved_search_filters(saved: SavedSearch) -> "SupplierSearchFilters":
    """The stored filters as the search module's filters object, checked again."""

    params = saved_search_params(saved)
    params.pop("q", None)
    return SupplierSearchFilters.from_params(params)


# PROPOSALS AND NEAR-MISSES
# ------------------------------------------------------------------------------


def _proposal_details(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return qs.select_related("request__buyer", "supplier")


def proposal_list_visible_to(*, user: AnyUser) -> QuerySet[Proposal]:
    """Proposals the user is a side of (buyer or supplier), or all of them for staff.

    A cluster manager also sees their members' proposals (the clusters app fills
    ``suppliers_of_managed_clusters``).
    """
    qs = _proposal_details(Proposal.objects.all())
    if not user.is_authenticated:
        return qs.none()
    if is_staff_user(user):
        return qs
    sides = Q(request__buyer_id=user.organisation_id) | Q(supplier_id=user.organisation_id)
    managed = suppliers_of_managed_clusters(user=user)
    if managed:
        sides |= Q(supplier_id__in=managed)
    if user.organisation_id is None and not managed:
        return qs.none()
    return qs.filter(sides).exclude(request__status=SourcingRequest.Status.DRAFT)


def proposal_get_visible(*, user: AnyUser, pk: Any) -> Proposal | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return proposal_list_visible_to(user=user).filter(pk=pk).first()


def proposals_for_supplier(*, user: AnyUser) -> QuerySet[Proposal]:
    """The proposals made to the user's own organisation, newest first."""
    if not user.is_authenticated or user.organisation_id is None:
        return Proposal.objects.none()
    return _proposal_details(
        Proposal.objects.filter(supplier_id=user.organisation_id).exclude(
            request__status=SourcingRequest.Status.DRAFT
        )
    ).order_by("-created_at")


def proposals_for_request(*, user: AnyUser, request: SourcingRequest) -> QuerySet[Proposal]:
    """A request's proposals, best first, for its buyer's users and staff."""
    if not sees_request_proposals(user, request):
        return Proposal.objects.none()
    return _proposal_details(Proposal.objects.filter(request=request)).order_by("status", "-score")


def near_misses_for_request(*, user: AnyUser, request: SourcingRequest) -> QuerySet[NearMiss]:
    """Who nearly fits a request, and why not: for its buyer's users and staff."""
    if not sees_request_proposals(user, request):
        return NearMiss.objects.none()
    return NearMiss.objects.filter(request=request).select_related("supplier").order_by("-score")


def near_misses_for_supplier(*, user: AnyUser) -> QuerySet[NearMiss]:
    """Requests the user's organisation nearly matches, and what it lacks.

    Only requests it may see: a confidential request it was not proposed to stays
    hidden even when it nearly fits.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return NearMiss.objects.none()
    visible = request_list_visible_to(user=user).values("pk")
    return (
        NearMiss.objects.filter(supplier_id=user.organisation_id, request_id__in=visible)
        .select_related("request__buyer")
        .order_by("-score")
    )


@dataclass
class Counterpart:
    """The other side's people, shown only on a linkage (both sides accepted)."""

    organisation: Organisation
    contacts: list[Any]
    users: list[User]


def proposal_counterpart(*, user: AnyUser, proposal: Proposal) -> Counterpart | None:
    """The other side's contact people, or None until both sides have accepted."""
    if proposal.status != Proposal.Status.LINKED or not user.is_authenticated:
        return None
    if user.organisation_id == proposal.supplier_id:
        other = proposal.request.buyer
    elif user.organisation_id == proposal.request.buyer_id:
        other = proposal.supplier
    else:
        return None
    return Counterpart(
        organisation=other,
        contacts=list(other.contacts.all()),
        users=list(other.users.filter(is_active=True).order_by("email")),
    )


# CLUSTER PAGES
# ------------------------------------------------------------------------------


def public_linkages_of_cluster(*, cluster: Cluster, limit: int) -> list[PublicLinkage]:
    """Linkages of a cluster's listed members, newest first; buyer and title only for
    public requests."""
    proposals = (
        Proposal.objects.filter(
            status=Proposal.Status.LINKED,
            supplier_id__in=public_members(cluster=cluster).values("pk"),
        )
        .select_related("supplier", "request__buyer")
        .order_by("-updated_at")[:limit]
    )
    linkages = []
    for proposal in proposals:
        public = proposal.request.visibility == SourcingRequest.Visibility.PUBLIC
        linkages.append(
            PublicLinkage(
                supplier_name=proposal.supplier.legal_name,
                supplier_slug=proposal.supplier.slug,
                buyer_name=proposal.request.buyer.legal_name if public else "",
                request_title=proposal.request.title if public else "",
                linked_at=proposal.updated_at,
            )
        )
    return linkages


def factor_rows(breakdown: dict[str, float]) -> list[dict[str, Any]]:
    """Each factor of a score with its label and a percentage, in the engine's order."""
    rows = []
    for factor, label in FACTOR_LABELS.items():
        value = float(breakdown.get(factor, 0.0) or 0.0)
        value = min(max(value, 0.0), 1.0)
        rows.append(
            {"factor": factor, "label": label, "value": value, "percent": round(value * 100)}
        )
    return rows


def match_runs() -> QuerySet[MatchRun]:
    """Every match run, newest first (staff read them)."""
    return MatchRun.objects.select_related("started_by", "index_version").order_by("-created_at")


def match_run_get(*, pk: Any) -> MatchRun | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return match_runs().filter(pk=pk).first()
