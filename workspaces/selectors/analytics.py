"""Cluster analytics: who the members are, what buyers ask that few hold, how matching goes.

For the cluster's managers and staff only (``cluster_get_for_analytics`` returns
None, a 404, for anyone else). Every figure is about the cluster's *active*
members, as they are today:

- members by sector: each ISIC division of a member's activities counts the
  member once (a member active in two divisions counts in both); members who
  gave no activity are counted as "not stated";
- members by country;
- certification coverage: for each certification required by the requests the
  user can see that are open now or were opened in the last
  ``RECENT_REQUEST_DAYS`` days, the share of those requests that ask for it and
  the share of members holding it valid (not expired, not rejected); the gap is
  the first share minus the second, in points, so "asked for often, held by
  few" comes first;
- proposals and linkages per month over the last ``MONTHS_SHOWN`` months: a
  proposal counts in the month it was made, a linkage in the month the second
  side accepted;
- near-misses by missing certification: how many of the members' near-misses
  lack each certificate, and how many members that concerns.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from clusters.models import Cluster, ClusterMembership
from companies.geography import country_name
from companies.models import CertificationScheme, IsicCode, Organisation, User
from companies.selectors import valid_certifications
from matching.models import NearMiss, Proposal, SourcingRequest
from matching.selectors import request_list_visible_to

__all__ = [
    "ANALYTICS_TABLES",
    "MONTHS_SHOWN",
    "RECENT_REQUEST_DAYS",
    "ClusterAnalytics",
    "analytics_as_dict",
    "analytics_table",
    "cluster_analytics",
    "cluster_get_for_analytics",
    "cluster_get_for_analytics_by_id",
]

AnyUser = User | AnonymousUser

# Requests opened this many days ago or later count as recent for the coverage.
RECENT_REQUEST_DAYS = 365
# Months of proposals and linkages shown, the current one included.
MONTHS_SHOWN = 12
NOT_STATED = "Not stated"


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ACCESS
# ------------------------------------------------------------------------------


def cluster_get_for_analytics(*, user: AnyUser, slug: str) -> Cluster | None:
    """A cluster the user manages, or any cluster for staff; None (a 404) otherwise."""
    if not user.is_authenticated:
        return None
    qs = Cluster.objects.filter(slug=slug)
    if not user.is_staff:
        qs = qs.filter(managers=user)
    return qs.select_related("sector", "body").first()


def cluster_get_for_analytics_by_id(*, user: AnyUser, pk: Any) -> Cluster | None:
    pk = _as_int(pk)
    if pk is None:
        return None
    slug = Cluster.objects.filter(pk=pk).values_list("slug", flat=True).first()
    return cluster_get_for_analytics(user=user, slug=slug) if slug else None


# FIGURES
# ------------------------------------------------------------------------------


@dataclass
class CountRow:
    code: str
    label: str
    members: int


@dataclass
class CertificationGap:
    scheme: str
    name: str
    requests_asking: int
    ask_share: float = field(metadata={"help": "Share of the requests considered that ask"})
    holders: int
    hold_share: float
    gap: float = field(metadata={"help": "ask_share minus hold_share"})


@dataclass
class MonthActivity:
    month: str
    label: str
    proposals: int
    linkages: int


@dataclass
class NearMissCount:
    scheme: str
    name: str
    near_misses: int
    members: int


@dataclass
class MemberFigures:
    supplier_id: int
    name: str
    country: str
    sectors: list[str]
    certifications: list[str]
    proposals: int
    linkages: int
    near_misses: int


@dataclass
class ClusterAnalytics:
    member_count: int
    requests_considered: int
    sectors: list[CountRow]
    countries: list[CountRow]
    certification_gaps: list[CertificationGap]
    activity: list[MonthActivity]
    near_misses: list[NearMissCount]
    members: list[MemberFigures]


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months_back(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def _division(code: str) -> str | None:
    return code[:2] if code[:2].isdigit() else None


def _sectors(members: list[Organisation]) -> tuple[list[CountRow], dict[int, list[str]]]:
    divisions_of: dict[int, set[str]] = defaultdict(set)
    for org_id, code in Organisation.isic_codes.through.objects.filter(
        organisation_id__in=[m.pk for m in members]
    ).values_list("organisation_id", "isiccode_id"):
        division = _division(code)
        if division:
            divisions_of[org_id].add(division)
    counts: Counter[str] = Counter()
    for member in members:
        for division in divisions_of.get(member.pk) or {""}:
            counts[division] += 1
    names = dict(
        IsicCode.objects.filter(code__in=[c for c in counts if c]).values_list(
            "code", "description"
        )
    )
    rows = [
        CountRow(code=code, label=names.get(code, code) if code else NOT_STATED, members=n)
        for code, n in counts.items()
    ]
    rows.sort(key=lambda r: (-r.members, r.code == "", r.code))
    return rows, {org: sorted(d) for org, d in divisions_of.items()}


def _countries(members: list[Organisation]) -> list[CountRow]:
    counts = Counter(m.country for m in members)
    rows = [CountRow(code=c, label=country_name(c), members=n) for c, n in counts.items()]
    rows.sort(key=lambda r: (-r.members, r.label))
    return rows


def _requests_considered(user: AnyUser, now: dt.datetime) -> "QuerySet[SourcingRequest]":

    since = now - dt.timedelta(days=RECENT_REQUEST_DAYS)
    return (
        request_list_visible_to(user=user)
        .exclude(status=SourcingRequest.Status.DRAFT)
        .filter(Q(opened_at__gte=since) | Q(status=SourcingRequest.Status.OPEN, deadline__gt=now))
    )


def _certification_gaps(
    user: AnyUser, member_ids: list[int], now: dt.datetime
) -> tuple[int, list[CertificationGap], dict[int, list[str]]]:

    request_ids = list(_requests_considered(user, now).values_list("pk", flat=True).distinct())
    asks = Counter(
        SourcingRequest.required_certifications.through.objects.filter(
            sourcingrequest_id__in=request_ids
        ).values_list("certificationscheme_id", flat=True)
    )
    held_by: dict[str, set[int]] = defaultdict(set)
    held_of: dict[int, set[str]] = defaultdict(set)
    for org_id, scheme_id, scheme_name in (
        valid_certifications()
        .filter(organisation_id__in=member_ids)
        .values_list("organisation_id", "scheme_id", "scheme__name")
    ):
        held_by[scheme_id].add(org_id)
        held_of[org_id].add(scheme_name)
    names = dict(
        CertificationScheme.objects.filter(code__in=list(asks)).values_list("code", "name")
    )
    total, members = len(request_ids), len(member_ids)
    gaps = []
    for scheme, n in asks.items():
        holders = len(held_by.get(scheme, ()))
        ask_share = n / total if total else 0.0
        hold_share = holders / members if members else 0.0
        gaps.append(
            CertificationGap(
                scheme=scheme,
                name=names.get(scheme, scheme),
                requests_asking=n,
                ask_share=round(ask_share, 4),
                holders=holders,
                hold_share=round(hold_share, 4),
                gap=round(ask_share - hold_share, 4),
            )
        )
    gaps.sort(key=lambda g: (-g.gap, -g.requests_asking, g.name))
    return total, gaps, {org: sorted(s) for org, s in held_of.items()}


def _linked_at(decided: Sequence[dt.datetime | None], fallback: dt.datetime) -> dt.datetime:
    times = [t for t in decided if t is not None]
    return max(times) if times else fallback


def _activity(
    member_ids: list[int], today: dt.date
) -> tuple[list[MonthActivity], Counter[int], Counter[int]]:

    this_month = _month_start(today)
    months = [_months_back(this_month, n) for n in range(MONTHS_SHOWN - 1, -1, -1)]
    start = timezone.make_aware(dt.datetime.combine(months[0], dt.time.min))
    proposals_in: Counter[dt.date] = Counter()
    for row in (
        Proposal.objects.filter(supplier_id__in=member_ids, created_at__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        proposals_in[month] += row["n"]
    linkages_in: Counter[dt.date] = Counter()
    linkages_of: Counter[int] = Counter()
    proposals_of: Counter[int] = Counter(
        dict(
            Proposal.objects.filter(supplier_id__in=member_ids, created_at__gte=start)
            .values_list("supplier_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    for supplier_id, buyer_at, supplier_at, updated_at in Proposal.objects.filter(
        supplier_id__in=member_ids, status=Proposal.Status.LINKED
    ).values_list("supplier_id", "buyer_decided_at", "supplier_decided_at", "updated_at"):
        linked = timezone.localtime(_linked_at((buyer_at, supplier_at), updated_at)).date()
        if linked >= months[0]:
            linkages_in[_month_start(linked)] += 1
            linkages_of[supplier_id] += 1
    activity = [
        MonthActivity(
            month=f"{m:%Y-%m}",
            label=f"{m:%b %Y}",
            proposals=proposals_in.get(m, 0),
            linkages=linkages_in.get(m, 0),
        )
        for m in months
    ]
    return activity, proposals_of, linkages_of


def _near_misses(user: AnyUser, member_ids: list[int]) -> tuple[list[NearMissCount], Counter[int]]:
    # A confidential request the manager may not read must not show through its
    # near-misses: what it asked for would be told by what members lacked.

    per_scheme: Counter[str] = Counter()
    members_of: dict[str, set[int]] = defaultdict(set)
    per_member: Counter[int] = Counter()
    near_misses = NearMiss.objects.filter(
        supplier_id__in=member_ids,
        request_id__in=request_list_visible_to(user=user).values("pk"),
    ).values_list("supplier_id", "missing_certifications")
    for supplier_id, missing in near_misses.iterator():
        per_member[supplier_id] += 1
        for scheme in set(missing or []):
            per_scheme[scheme] += 1
            members_of[scheme].add(supplier_id)
    names = dict(
        CertificationScheme.objects.filter(code__in=list(per_scheme)).values_list("code", "name")
    )
    rows = [
        NearMissCount(scheme=s, name=names.get(s, s), near_misses=n, members=len(members_of[s]))
        for s, n in per_scheme.items()
    ]
    rows.sort(key=lambda r: (-r.near_misses, r.name))
    return rows, per_member


def cluster_analytics(
    *, user: AnyUser, cluster: Cluster, now: dt.datetime | None = None
) -> ClusterAnalytics:
    """Every figure of the analytics page for one cluster, as of ``now``."""
    now = now or timezone.now()
    members = list(
        Organisation.objects.filter(
            cluster_memberships__cluster=cluster,
            cluster_memberships__status=ClusterMembership.Status.ACTIVE,
        )
        .distinct()
        .order_by("legal_name")
    )
    member_ids = [m.pk for m in members]
    sectors, divisions_of = _sectors(members)
    total, gaps, held_of = _certification_gaps(user, member_ids, now)
    activity, proposals_of, linkages_of = _activity(member_ids, timezone.localtime(now).date())
    near_misses, near_misses_of = _near_misses(user, member_ids)
    return ClusterAnalytics(
        member_count=len(members),
        requests_considered=total,
        sectors=sectors,
        countries=_countries(members),
        certification_gaps=gaps,
        activity=activity,
        near_misses=near_misses,
        members=[
            MemberFigures(
                supplier_id=m.pk,
                name=m.legal_name,
                country=m.country,
                sectors=divisions_of.get(m.pk, []),
                certifications=held_of.get(m.pk, []),
                proposals=proposals_of.get(m.pk, 0),
                linkages=linkages_of.get(m.pk, 0),
                near_misses=near_misses_of.get(m.pk, 0),
            )
            for m in members
        ],
    )


def analytics_as_dict(analytics: ClusterAnalytics) -> dict[str, Any]:
    return asdict(analytics)


# TABLES (the CSV downloads)
# ------------------------------------------------------------------------------


def _percent(share: float) -> str:
    return f"{share * 100:.1f}"


TableBuilder = Callable[[ClusterAnalytics], tuple[list[str], list[list[Any]]]]

ANALYTICS_TABLES: dict[str, TableBuilder] = {
    "sectors": lambda a: (
        ["isic_division", "sector", "members"],
        [[r.code, r.label, r.members] for r in a.sectors],
    ),
    "countries": lambda a: (
        ["country_code", "country", "members"],
        [[r.code, r.label, r.members] for r in a.countries],
    ),
    "certifications": lambda a: (
        [
            "certification",
            "name",
            "requests_asking",
            "percent_of_requests",
            "members_holding",
            "percent_of_members",
            "gap_points",
        ],
        [
            [
                g.scheme,
                g.name,
                g.requests_asking,
                _percent(g.ask_share),
                g.holders,
                _percent(g.hold_share),
                f"{g.gap * 100:.1f}",
            ]
            for g in a.certification_gaps
        ],
    ),
    "activity": lambda a: (
        ["month", "proposals", "linkages"],
        [[m.month, m.proposals, m.linkages] for m in a.activity],
    ),
    "near-misses": lambda a: (
        ["certification", "name", "near_misses", "members"],
        [[r.scheme, r.name, r.near_misses, r.members] for r in a.near_misses],
    ),
    "members": lambda a: (
        [
            "member",
            "country",
            "isic_divisions",
            "valid_certifications",
            f"proposals_last_{MONTHS_SHOWN}_months",
            f"linkages_last_{MONTHS_SHOWN}_months",
            "near_misses",
        ],
        [
            [
                m.name,
                m.country,
                " ".join(m.sectors),
                "; ".join(m.certifications),
                m.proposals,
                m.linkages,
                m.near_misses,
            ]
            for m in a.members
        ],
    ),
}


def analytics_table(
    analytics: ClusterAnalytics, name: str
) -> tuple[list[str], list[list[Any]]] | None:
    """The header and rows of one downloadable table, or None for an unknown name."""
    builder = ANALYTICS_TABLES.get(name)
    return builder(analytics) if builder else None
