"""Reads for consortia; who may see which consortium lives here.

- The managers of its cluster see every consortium of the cluster, drafts too.
- The buyer sees a consortium once a manager has proposed it, and not its drafts.
- Its members see it once proposed, as long as they are in it.
- Staff see everything.

Anyone else gets None (a 404). Contacts of the buyer and of every member come
only from ``consortium_contacts``, which gives nothing until the buyer and every
member have accepted.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from clusters.models import Cluster, ClusterMembership
from companies.models import ContactPerson, Organisation, ProductLine, User
from companies.permissions import has_confirmed_email, is_staff_user
from consortia.models import Consortium, ConsortiumMember
from consortia.permissions import can_see_request_consortia
from engine.consortia import ConsortiumNeed
from matching.models import SourcingRequest

__all__ = [
    "MemberChoice",
    "eligible_memberships",
    "makers_filter",
    "request_need",
    "Party",
    "active_members_for_choice",
    "consortia_for_buyer",
    "consortia_for_manager",
    "consortia_for_member",
    "consortia_for_request",
    "consortium_contacts",
    "consortium_get_for_manager",
    "consortium_get_visible",
    "consortium_list_visible_to",
    "consortium_request_ids_visible_to",
]

AnyUser = User | AnonymousUser
Status = Consortium.Status


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _with_details(qs: QuerySet[Consortium]) -> QuerySet[Consortium]:
    members = ConsortiumMember.objects.select_related("supplier", "membership")
    return qs.select_related("request__buyer", "cluster", "proposed_by").prefetch_related(
        Prefetch("members", queryset=members),
        "request__hs_codes",
        "request__required_certifications",
    )


def _visible_filter(user: AnyUser) -> Q | None:
    """The consortia a user may see, or None for all (staff)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if is_staff_user(user):
        return None
    visible = Q(cluster__managers=user)
    if user.organisation_id is not None:
        proposed = Q(proposed_at__isnull=False) & ~Q(status=Status.DRAFT)
        visible |= proposed & Q(request__buyer_id=user.organisation_id)
        visible |= proposed & Q(members__supplier_id=user.organisation_id)
    return visible


def consortium_list_visible_to(*, user: AnyUser) -> QuerySet[Consortium]:
    qs = Consortium.objects.all()
    visible = _visible_filter(user)
    if visible is not None:
        # The joins on managers and members can repeat a row: ids first, then the rows.
        qs = Consortium.objects.filter(pk__in=qs.filter(visible).values("pk"))
    return _with_details(qs)


def consortium_get_visible(*, user: AnyUser, pk: Any) -> Consortium | None:
    pk = _as_int(pk)
    if pk is None:
        return None
    return consortium_list_visible_to(user=user).filter(pk=pk).first()


def consortia_for_manager(
    *, user: AnyUser, cluster: Cluster, status: str = ""
) -> QuerySet[Consortium]:
    """Every consortium of a cluster the user manages, newest first."""
    if not user.is_authenticated or not cluster.managers.filter(pk=user.pk).exists():
        return Consortium.objects.none()
    qs = _with_details(Consortium.objects.filter(cluster=cluster))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-pk")


def consortium_get_for_manager(*, user: AnyUser, cluster: Cluster, pk: Any) -> Consortium | None:
    pk = _as_int(pk)
    if pk is None:
        return None
    return consortia_for_manager(user=user, cluster=cluster).filter(pk=pk).first()


def consortia_for_request(*, user: AnyUser, request: Any) -> QuerySet[Consortium]:
    """The consortia proposed for a request: for its buyer's users and staff."""
    if not can_see_request_consortia(user, request):
        return Consortium.objects.none()
    return _with_details(
        Consortium.objects.filter(request=request, proposed_at__isnull=False).exclude(
            status=Status.DRAFT
        )
    ).order_by("status", "-score")


def consortia_for_member(*, user: AnyUser) -> QuerySet[Consortium]:
    """The consortia the user's own firm was proposed in, newest first."""
    if not user.is_authenticated or user.organisation_id is None:
        return Consortium.objects.none()
    ids = Consortium.objects.filter(
        members__supplier_id=user.organisation_id, proposed_at__isnull=False
    ).exclude(status=Status.DRAFT)
    return _with_details(Consortium.objects.filter(pk__in=ids.values("pk"))).order_by(
        "-proposed_at"
    )


def consortia_for_buyer(*, user: AnyUser) -> QuerySet[Consortium]:
    """The consortia proposed for the user's buyer's requests, newest first."""
    if not user.is_authenticated or user.organisation_id is None:
        return Consortium.objects.none()
    return _with_details(
        Consortium.objects.filter(
            request__buyer_id=user.organisation_id, proposed_at__isnull=False
        ).exclude(status=Status.DRAFT)
    ).order_by("-proposed_at")


def consortium_request_ids_visible_to(*, user: AnyUser) -> QuerySet[Consortium, Any]:
    """Ids of the requests a user may read because of a consortium (a subquery).

    The managers of the consortium's cluster and the members it was proposed to.
    A confidential request stays invisible to everyone else.
    """
    if not user.is_authenticated:
        return Consortium.objects.none().values("request_id")
    visible = Q(cluster__managers=user)
    if user.organisation_id is not None:
        visible |= Q(members__supplier_id=user.organisation_id, proposed_at__isnull=False) & ~Q(
            status=Status.DRAFT
        )
    return Consortium.objects.filter(visible).values("request_id")


@dataclass
class MemberChoice:
    """An active member a manager may put into a consortium, with what it can pledge."""

    supplier_id: int
    name: str
    capacity: float  # monthly, for the requested products, in the request's unit


def active_members_for_choice(
    *, user: AnyUser, cluster: Cluster, request: Any
) -> list[MemberChoice]:
    """Active, claimed members that make the requested products in the request's unit,
    for a manager of the cluster (anyone else: none).

    A big cluster's other members could pledge nothing, so they are not offered; the
    service still accepts any active member given by id.
    """
    if not user.is_authenticated or not cluster.managers.filter(pk=user.pk).exists():
        return []
    need = request_need(request)
    eligible = eligible_memberships(cluster=cluster)
    totals: dict[int, float] = {}
    for org_id, capacity in (
        ProductLine.objects.filter(makers_filter(need))
        .filter(organisation_id__in=eligible.values("supplier_id"))
        .values_list("organisation_id", "monthly_capacity")
    ):
        totals[org_id] = totals.get(org_id, 0.0) + capacity
    memberships = eligible.filter(supplier_id__in=list(totals))
    return sorted(
        (
            MemberChoice(m.supplier_id, m.supplier.legal_name, totals[m.supplier_id])
            for m in memberships
            if m.supplier is not None and m.supplier_id is not None
        ),
        key=lambda choice: (-choice.capacity, choice.name.lower()),
    )


# WHO MAY TAKE PART
# ------------------------------------------------------------------------------


def eligible_memberships(*, cluster: Cluster | None = None) -> QuerySet[ClusterMembership]:
    """Memberships that may take part in a consortium.

    Active only (a suspended member stays in the cluster but is not proposed), of an
    approved cluster, of a firm that a user has claimed (an imported profile nobody
    claimed yet is never proposed).
    """
    claimed = User.objects.filter(organisation_id=OuterRef("supplier_id"), is_active=True)
    qs = ClusterMembership.objects.filter(
        status=ClusterMembership.Status.ACTIVE,
        cluster__status=Cluster.Status.APPROVED,
        supplier__isnull=False,
    ).filter(Exists(claimed))
    if cluster is not None:
        qs = qs.filter(cluster=cluster)
    return qs.select_related("supplier", "cluster")


def request_need(request: SourcingRequest) -> ConsortiumNeed:
    return ConsortiumNeed(
        volume=float(request.volume_per_month or 0),
        unit=request.unit or "",
        hs_codes=sorted(request.hs_codes.values_list("code", flat=True)),
        required_certifications=sorted(
            request.required_certifications.values_list("code", flat=True)
        ),
    )


def makers_filter(need: ConsortiumNeed) -> Q:
    """Product lines in the request's unit under (or above) one of its HS codes."""
    relevant = Q()
    for code in need.hs_codes:
        relevant |= Q(hs_code__code__startswith=code)
        relevant |= Q(hs_code_id__in=[code[:n] for n in (2, 4) if n < len(code)])
    return Q(unit=need.unit, monthly_capacity__gt=0) & relevant


# CONTACTS: ONLY WHEN THE BUYER AND EVERY MEMBER HAVE ACCEPTED
# ------------------------------------------------------------------------------


@dataclass
class Party:
    """One organisation of a linked consortium, with its people."""

    organisation: Organisation
    role: str  # "buyer", "lead member" or "member"
    contacts: list[ContactPerson]
    users: list[User]


def consortium_contacts(*, user: AnyUser, consortium: Consortium) -> list[Party]:
    """The other parties' contact people: empty until the buyer and every member accepted.

    The buyer sees every member's; each member sees the buyer's and the other members'.
    Nobody else sees any, managers included.
    """
    if not user.is_authenticated or consortium.status != Status.LINKED:
        return []
    if not has_confirmed_email(user):
        # Contacts are for people who proved their address.
        return []
    members = list(consortium.members.all())
    mine = user.organisation_id
    if mine is None or (
        mine != consortium.request.buyer_id and all(m.supplier_id != mine for m in members)
    ):
        return []
    parties: list[tuple[Organisation, str]] = [(consortium.request.buyer, "buyer")]
    parties += [(m.supplier, "lead member" if m.is_lead else "member") for m in members]
    shown = []
    for organisation, role in parties:
        if organisation.pk == mine:
            continue
        shown.append(
            Party(
                organisation=organisation,
                role=role,
                contacts=list(organisation.contacts.all()),
                users=list(organisation.users.filter(is_active=True).order_by("email")),
            )
        )
    return shown
