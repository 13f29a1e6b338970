"""Reads of sourcing requests: who may see which, the lists and their filters, and how
an open request fits one supplier.

A request nobody may see is simply absent (None, or missing from a list): the
views turn that into a 404, so a confidential request's existence never leaks.
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from clusters.selectors import member_supplier_ids_managed_by
from companies.models import Organisation, ProductLine, Unit, User
from companies.permissions import is_staff_user
from companies.selectors import valid_certifications
from companies.validation import normalise_code
from matching import hooks, regions
from matching.models import Proposal, SourcingRequest
from matching.permissions import is_request_buyer

__all__ = [
    "AnyUser",
    "filter_by_effective_status",
    "open_requests_for_supplier",
    "request_fit",
    "request_fit_for_supplier",
    "request_get_editable",
    "request_get_visible",
    "request_list_filtered",
    "request_list_visible_to",
    "RequestFit",
    "subregion_names",
    "suppliers_of_managed_clusters",
    "wanted_countries",
]

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
) -> "RequestFits":
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
    if country:
        # The wanted countries name subregions too: read in Python, on ids alone first.
        plain = SourcingRequest.objects.filter(pk__in=qs.values("pk")).only(
            "countries", "subregions"
        )
        kept = [r.pk for r in plain if _wants_country(r, country)]
        qs = qs.filter(pk__in=kept)
    return RequestFits(requests=qs, supplier=supplier)


class RequestFits(Sequence[RequestFit]):
    """A supplier's fit for each of some requests, worked out only for the rows read:
    a page of 20 asks for the page's requests, not for every open one."""

    def __init__(self, *, requests: QuerySet[SourcingRequest], supplier: Organisation) -> None:
        self._requests = requests
        self._supplier = supplier
        self._held: set[str] | None = None
        self._lines: list[ProductLine] = []

    def _fits(self, requests: Iterable[SourcingRequest]) -> list[RequestFit]:
        if self._held is None:
            self._held = set(
                valid_certifications()
                .filter(organisation=self._supplier)
                .values_list("scheme_id", flat=True)
            )
            self._lines = list(ProductLine.objects.filter(organisation=self._supplier))
        return [
            request_fit(
                request=r, supplier=self._supplier, held_schemes=self._held, lines=self._lines
            )
            for r in requests
        ]

    def __len__(self) -> int:
        return self._requests.count()

    @overload
    def __getitem__(self, index: int) -> RequestFit: ...

    @overload
    def __getitem__(self, index: slice) -> list[RequestFit]: ...

    def __getitem__(self, index: int | slice) -> RequestFit | list[RequestFit]:
        if isinstance(index, slice):
            return self._fits(self._requests[index])
        return self._fits([self._requests[index]])[0]

    def __iter__(self) -> Iterator[RequestFit]:
        return iter(self._fits(self._requests))


def request_fit_for_supplier(*, request: SourcingRequest, supplier: Organisation) -> RequestFit:
    held = set(
        valid_certifications().filter(organisation=supplier).values_list("scheme_id", flat=True)
    )
    lines = list(ProductLine.objects.filter(organisation=supplier))
    return request_fit(request=request, supplier=supplier, held_schemes=held, lines=lines)
