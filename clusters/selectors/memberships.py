"""Reads for clusters and memberships; who may see what lives here.

A cluster's public page shows only what its members agreed to: the members that
agreed to be listed, and figures aggregated over those members alone (an unlisted
member's capacity would otherwise show through the totals). Contact people of a
member reach the cluster's managers only when the member agreed to share them.
What a user may not see is absent (None or missing), and the views answer 404.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When

from clusters import hooks
from clusters.models import Cluster, ClusterMembership, MembershipEvent
from clusters.permissions import can_see_cluster
from companies.models import ContactPerson, HsCode, Organisation, ProductLine, Unit, User
from companies.permissions import is_staff_user
from companies.selectors import valid_certifications

AnyUser = User | AnonymousUser
Status = ClusterMembership.Status

PUBLIC_LINKAGE_LIMIT = 20


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# CLUSTERS
# ------------------------------------------------------------------------------


def _with_details(qs: QuerySet[Cluster]) -> QuerySet[Cluster]:
    return qs.select_related("sector", "body").prefetch_related("main_products", "managers")


def cluster_public_list(
    *, text: str = "", country: str = "", sector: str = ""
) -> QuerySet[Cluster]:
    """Approved clusters, each with the number of members listed on its page."""
    qs = Cluster.objects.filter(status=Cluster.Status.APPROVED)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if country:
        qs = qs.filter(country=country.strip().upper())
    if sector:
        qs = qs.filter(sector__code__startswith=sector.strip().upper())
    listed = Q(memberships__status=Status.ACTIVE, memberships__listed_publicly=True)
    # An aggregate drops Meta.ordering, so the order is given again for stable pages.
    return (
        _with_details(qs)
        .annotate(listed_member_count=Count("memberships", filter=listed))
        .order_by("name")
    )


def cluster_get_visible(*, user: AnyUser, slug: str) -> Cluster | None:
    """An approved cluster for anyone; one still in review only for its managers and staff."""
    cluster = _with_details(Cluster.objects.filter(slug=slug)).first()
    if cluster is None or not can_see_cluster(user, cluster):
        return None
    return cluster


def cluster_get_visible_by_id(*, user: AnyUser, pk: Any) -> Cluster | None:
    pk = _as_int(pk)
    if pk is None:
        return None
    slug = Cluster.objects.filter(pk=pk).values_list("slug", flat=True).first()
    return cluster_get_visible(user=user, slug=slug) if slug else None


def clusters_managed_by(*, user: AnyUser) -> QuerySet[Cluster]:
    """The clusters the user manages, whatever their review status."""
    if not user.is_authenticated:
        return Cluster.objects.none()
    return (
        _with_details(Cluster.objects.filter(managers=user))
        .annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__status__in=[*ClusterMembership.MEMBER_STATUSES]),
            ),
            pending_count=Count("memberships", filter=Q(memberships__status=Status.APPLIED)),
        )
        .order_by("name")
    )


def cluster_get_managed(*, user: AnyUser, slug: str) -> Cluster | None:
    """A cluster the user manages; None (a 404) for everyone else."""
    if not user.is_authenticated:
        return None
    return _with_details(Cluster.objects.filter(slug=slug, managers=user)).first()


def cluster_get_managed_by_id(*, user: AnyUser, pk: Any) -> Cluster | None:
    pk = _as_int(pk)
    if pk is None or not user.is_authenticated:
        return None
    return _with_details(Cluster.objects.filter(pk=pk, managers=user)).first()


def clusters_to_review(*, user: AnyUser) -> QuerySet[Cluster]:
    """Clusters waiting for staff, oldest first."""
    if not is_staff_user(user):
        return Cluster.objects.none()
    return _with_details(Cluster.objects.filter(status=Cluster.Status.PROPOSED)).order_by(
        "created_at"
    )


def cluster_get_for_review(*, user: AnyUser, pk: Any) -> Cluster | None:
    pk = _as_int(pk)
    if pk is None or not is_staff_user(user):
        return None
    return _with_details(Cluster.objects.filter(pk=pk)).first()


def body_users(*, cluster: Cluster) -> QuerySet[User]:
    """Users of the cluster's body: the people who may be made managers."""
    return User.objects.filter(organisation_id=cluster.body_id, is_active=True).order_by("email")


# PUBLIC MEMBERS AND THEIR CAPABILITIES
# ------------------------------------------------------------------------------


def public_members(*, cluster: Cluster) -> QuerySet[Organisation]:
    """Active members that agreed to be listed on the cluster's public page (claimed ones)."""
    return (
        Organisation.objects.claimed()
        .filter(
            cluster_memberships__cluster=cluster,
            cluster_memberships__status=Status.ACTIVE,
            cluster_memberships__listed_publicly=True,
        )
        .distinct()
        .order_by("legal_name")
    )


@dataclass
class CapacityTotal:
    unit: str
    total: int

    @property
    def unit_label(self) -> str:
        return str(Unit(self.unit).label) if self.unit in Unit.values else self.unit


@dataclass
class ProductCapability:
    """One HS code the members make: how many of them, and their pooled monthly capacity."""

    hs_code: str
    description: str
    member_count: int
    capacities: list[CapacityTotal] = field(default_factory=list)


@dataclass
class CertificationCoverage:
    scheme: str
    name: str
    member_count: int


@dataclass
class ClusterCapabilities:
    member_count: int
    products: list[ProductCapability]
    certifications: list[CertificationCoverage]


def capabilities_of(*, member_ids: list[int]) -> ClusterCapabilities:
    """What a set of members can do together.

    A member makes an HS code when it lists the code or has a product line for it.
    Capacity is summed per HS code and unit: pieces and kilograms never add up.
    A certification counts while valid and not rejected by staff.
    """
    makers: dict[str, set[int]] = defaultdict(set)
    for org_id, code in Organisation.hs_codes.through.objects.filter(
        organisation_id__in=member_ids
    ).values_list("organisation_id", "hscode_id"):
        makers[code].add(org_id)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for org_id, code, unit, capacity in ProductLine.objects.filter(
        organisation_id__in=member_ids
    ).values_list("organisation_id", "hs_code_id", "unit", "monthly_capacity"):
        makers[code].add(org_id)
        totals[code][unit] += capacity
    descriptions = dict(
        HsCode.objects.filter(code__in=list(makers)).values_list("code", "description")
    )
    products = [
        ProductCapability(
            hs_code=code,
            description=descriptions.get(code, ""),
            member_count=len(orgs),
            capacities=[CapacityTotal(unit=u, total=t) for u, t in sorted(totals[code].items())],
        )
        for code, orgs in makers.items()
    ]
    products.sort(key=lambda p: (-p.member_count, p.hs_code))
    coverage = (
        valid_certifications()
        .filter(organisation_id__in=member_ids)
        .values("scheme_id", "scheme__name")
        .annotate(holders=Count("organisation", distinct=True))
        .order_by("-holders", "scheme__name")
    )
    certifications = [
        CertificationCoverage(
            scheme=row["scheme_id"], name=row["scheme__name"], member_count=row["holders"]
        )
        for row in coverage
    ]
    return ClusterCapabilities(
        member_count=len(set(member_ids)), products=products, certifications=certifications
    )


def cluster_public_capabilities(*, cluster: Cluster) -> ClusterCapabilities:
    """The aggregated capabilities shown on the public page: listed active members only."""
    return capabilities_of(
        member_ids=list(public_members(cluster=cluster).values_list("pk", flat=True))
    )


@dataclass
class PublicLinkage:
    """A member's linkage as the public page shows it: a confidential request stays unnamed."""

    supplier_name: str
    supplier_slug: str
    buyer_name: str
    request_title: str
    linked_at: Any


def cluster_public_linkages(
    *, cluster: Cluster, limit: int = PUBLIC_LINKAGE_LIMIT
) -> list[PublicLinkage]:
    """Linkages of listed members, newest first; buyer and title only for public requests.

    Linkages are matching's to tell (``hooks.public_linkages_of``).
    """
    return hooks.public_linkages_of(cluster=cluster, limit=limit)


# MEMBERSHIPS
# ------------------------------------------------------------------------------


def _membership_details(qs: QuerySet[ClusterMembership]) -> QuerySet[ClusterMembership]:
    return qs.select_related("cluster", "supplier")


def members_for_manager(
    *, user: AnyUser, cluster: Cluster, status: str = ""
) -> QuerySet[ClusterMembership]:
    """Every membership of a cluster the user manages, of any status.

    Each row carries ``shared_contacts``: the member's contact people when it agreed
    to share them and is a member (active or suspended), otherwise an empty list.
    """
    if not user.is_authenticated or not cluster.managers.filter(pk=user.pk).exists():
        return ClusterMembership.objects.none()
    qs = _membership_details(ClusterMembership.objects.filter(cluster=cluster))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "supplier__legal_name", "invited_email")


def contacts_shared_with_managers(
    *, memberships: list[ClusterMembership]
) -> dict[int, list[ContactPerson]]:
    """Contact people by membership id, only of members who agreed to share them."""
    sharing = {
        m.pk: m.supplier_id
        for m in memberships
        if m.share_contacts and m.is_member and m.supplier_id is not None
    }
    by_org: dict[int, list[ContactPerson]] = defaultdict(list)
    for contact in ContactPerson.objects.filter(organisation_id__in=set(sharing.values())):
        by_org[contact.organisation_id].append(contact)
    return {pk: by_org.get(org_id, []) for pk, org_id in sharing.items()}


def membership_get_for_manager(*, user: AnyUser, pk: Any) -> ClusterMembership | None:
    """A membership of a cluster the user manages."""
    pk = _as_int(pk)
    if pk is None or not user.is_authenticated:
        return None
    return (
        _membership_details(ClusterMembership.objects.filter(pk=pk, cluster__managers=user))
        .distinct()
        .first()
    )


def memberships_of_user(*, user: AnyUser) -> QuerySet[ClusterMembership]:
    """The memberships of the user's own SME, newest first."""
    if not user.is_authenticated or user.organisation_id is None:
        return ClusterMembership.objects.none()
    return _membership_details(
        ClusterMembership.objects.filter(supplier_id=user.organisation_id)
    ).order_by("-created_at")


def membership_get_for_member(*, user: AnyUser, pk: Any) -> ClusterMembership | None:
    pk = _as_int(pk)
    if pk is None:
        return None
    return memberships_of_user(user=user).filter(pk=pk).first()


def membership_get_visible(*, user: AnyUser, pk: Any) -> ClusterMembership | None:
    """A membership seen by its SME's users, the cluster's managers or staff."""
    pk = _as_int(pk)
    if pk is None or not user.is_authenticated:
        return None
    if is_staff_user(user):
        return _membership_details(ClusterMembership.objects.filter(pk=pk)).first()
    return membership_get_for_member(user=user, pk=pk) or membership_get_for_manager(
        user=user, pk=pk
    )


def membership_by_token(*, token: str) -> ClusterMembership | None:
    """An invitation still waiting for its firm, by the secret of its e-mail link."""
    return (
        _membership_details(ClusterMembership.objects.filter(token=token, status=Status.INVITED))
        .select_related("cluster__body")
        .first()
    )


STAFF_ACTOR = "staff"
MANAGER_ACTOR = "the cluster's manager"


def _with_actor_shown(qs: QuerySet[MembershipEvent], user: AnyUser) -> QuerySet[MembershipEvent]:
    """Each event's ``actor_shown``: who acted, as the viewer may know them.

    A user's e-mail is shown to its own side only; the other side sees the member's
    name, "the cluster's manager" or "staff", unless the member agreed to share its
    contacts with the managers (and is a member), when the managers see its users.
    """
    email = F("actor__email")
    if is_staff_user(user):
        return qs.annotate(actor_shown=email)
    members_side = Q(actor__organisation_id=F("membership__supplier_id"))
    by_staff = When(actor__is_staff=True, then=Value(STAFF_ACTOR))
    if user.is_authenticated and user.organisation_id is not None:
        viewer_is_member = Q(membership__supplier_id=user.organisation_id)
    else:
        viewer_is_member = Q(pk__in=[])
    shared = Q(
        membership__share_contacts=True,
        membership__status__in=[*ClusterMembership.MEMBER_STATUSES],
    )
    return qs.annotate(
        actor_shown=Case(
            When(actor__isnull=True, then=Value(None)),
            by_staff,
            When(viewer_is_member & members_side, then=email),
            When(viewer_is_member, then=Value(MANAGER_ACTOR)),
            When(members_side & shared, then=email),
            When(members_side, then=F("membership__supplier__legal_name")),
            default=email,
            output_field=CharField(),
        )
    )


def membership_events(*, user: AnyUser, membership: ClusterMembership) -> QuerySet[MembershipEvent]:
    """A membership's history, with each actor as ``user`` may know them."""
    return _with_actor_shown(
        MembershipEvent.objects.filter(membership=membership).select_related("actor"), user
    )


def cluster_events(*, user: AnyUser, cluster: Cluster, limit: int = 50) -> list[MembershipEvent]:
    """The latest membership changes of a cluster the user manages, newest first."""
    if not user.is_authenticated or not cluster.managers.filter(pk=user.pk).exists():
        return []
    return list(
        _with_actor_shown(
            MembershipEvent.objects.filter(membership__cluster=cluster).select_related(
                "actor", "membership__supplier"
            ),
            user,
        ).order_by("-created_at", "-pk")[:limit]
    )


def open_membership_of(*, user: AnyUser, cluster: Cluster) -> ClusterMembership | None:
    """The user's SME's current membership (or application, or invitation) of a cluster."""
    if not user.is_authenticated or user.organisation_id is None:
        return None
    return ClusterMembership.objects.filter(
        cluster=cluster,
        supplier_id=user.organisation_id,
        status__in=ClusterMembership.OPEN_STATUSES,
    ).first()


def supplier_find(*, text: str) -> Organisation | None:
    """An SME by its profile address (slug) or exact legal name, for invitations."""
    text = (text or "").strip()
    if "/" in text:
        # A pasted profile address: its last part is the slug.
        text = text.rstrip("/").rsplit("/", 1)[-1]
    if not text:
        return None
    suppliers = Organisation.objects.claimed().filter(kind=Organisation.Kind.SUPPLIER)
    return suppliers.filter(slug=text).first() or suppliers.filter(legal_name__iexact=text).first()


def member_supplier_ids_managed_by(*, user: AnyUser) -> set[int]:
    """Ids of the current members (active or suspended) of the clusters the user manages."""
    if not user.is_authenticated:
        return set()
    return set(
        ClusterMembership.objects.filter(
            cluster__managers=user,
            status__in=ClusterMembership.MEMBER_STATUSES,
            supplier__isnull=False,
        ).values_list("supplier_id", flat=True)
    )
