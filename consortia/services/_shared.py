"""What the matcher's drafts and the managers' edits share: the candidates a request's
need finds, the breakdown of a set of members, writing the members, and telling the
parties."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from clusters.models import ClusterMembership
from companies.models import User
from consortia.models import Consortium, ConsortiumMember
from consortia.models.consortia import Decision
from engine.consortia import ConsortiumOption, MemberCandidate
from engine.matcher import score_candidates
from engine.records import SupplierRecord
from engine.thresholds import (
    CONSORTIUM_MAX_MEMBERS,
    CONSORTIUM_MIN_MEMBERS,
)
from matching.index_store import current_index, supplier_records
from matching.models import SourcingRequest
from matching.services.runs import engine_version, request_record
from matching.weights import current_weights
from notifications.services import notify

MEMBERS_RULE = f"A consortium has {CONSORTIUM_MIN_MEMBERS} to {CONSORTIUM_MAX_MEMBERS} members"


def _allowed_size(count: int) -> bool:
    return CONSORTIUM_MIN_MEMBERS <= count <= CONSORTIUM_MAX_MEMBERS


def _candidates(
    request: SourcingRequest, supplier_ids: Iterable[int]
) -> tuple[dict[int, MemberCandidate], dict[int, list[str]], str]:
    """Each firm scored by the engine for the request, as the search reads it.

    Returns the candidates, each firm's constraint failures in words, and the
    engine version. The score is the one the match job gives the same pair.
    """

    ids = sorted(set(supplier_ids))
    if not ids:
        return {}, {}, ""
    record = request_record(request)
    records: dict[Any, SupplierRecord] = {r.id: r for r in supplier_records(ids)}
    index = current_index()
    query = index.query_vector(record.text)
    scored = score_candidates(
        index,
        record,
        records,
        word_scores={i: index.word_score(query, i) for i in records},
        weights=current_weights(),
        explain=False,
    )
    candidates: dict[int, MemberCandidate] = {}
    reasons: dict[int, list[str]] = {}
    for item in scored:
        supplier = records[item.supplier_id]
        reasons[item.supplier_id] = item.near_miss_reasons
        candidates[item.supplier_id] = MemberCandidate(
            id=item.supplier_id,
            score=item.score,
            product_lines=list(supplier.product_lines),
            certifications=frozenset(
                c.scheme for c in supplier.certifications if c.valid_until >= record.today
            ),
        )
    return candidates, reasons, engine_version()


def _breakdown(option: ConsortiumOption, names: dict[int, str]) -> dict[str, Any]:
    return {
        "volume": option.volume,
        "unit": option.unit,
        "pooled_capacity": option.pooled_capacity,
        "shortfall": option.shortfall,
        "capacity_by_product": option.capacity_by_product,
        "certifications_covered": option.certifications_covered,
        "missing_certifications": option.missing_certifications,
        "missing_products": option.missing_products,
        "meets": option.meets,
        "members": [
            {
                "supplier_id": part.id,
                "name": names.get(part.id, ""),
                "score": part.score,
                "capacity": part.capacity,
                "hs_codes": part.hs_codes,
                "missing_certifications": part.missing_certifications,
            }
            for part in option.members
        ],
    }


def _write_members(
    consortium: Consortium,
    option: ConsortiumOption,
    memberships: dict[int, ClusterMembership],
    *,
    lead: int | None,
    keep_decisions: bool = False,
) -> None:
    """Replace the member rows with the option's; keeps nothing of removed members."""
    existing = {m.supplier_id: m for m in consortium.members.all()}
    wanted = {part.id for part in option.members}
    consortium.members.exclude(supplier_id__in=wanted).delete()
    # Clear the lead first: the one-lead constraint holds at every statement.
    consortium.members.filter(is_lead=True).exclude(supplier_id=lead).update(is_lead=False)
    for part in option.members:
        row = existing.get(part.id) or ConsortiumMember(consortium=consortium, supplier_id=part.id)
        row.membership = memberships[part.id]
        row.hs_codes = part.hs_codes
        row.capacity_pledged = int(round(part.capacity))
        row.score = part.score
        row.is_lead = part.id == lead
        if not keep_decisions:
            row.decision, row.reason, row.note = Decision.PENDING, "", ""
            row.decided_at, row.decided_by = None, None
        row.save()


def _manage_url(consortium: Consortium) -> str:
    return reverse(
        "cluster-consortium-detail",
        kwargs={"slug": consortium.cluster.slug, "pk": consortium.pk},
    )


def _party_url(consortium: Consortium) -> str:
    return reverse("consortium-detail", kwargs={"pk": consortium.pk})


def _users_of(organisation_ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(organisation_id__in=list(organisation_ids), is_active=True)


def _tell_managers(
    consortium: Consortium,
    *,
    actor: User | None,
    kind: str,
    title: str,
    body: str,
    key: str = "",
):
    managers = consortium.cluster.managers.filter(is_active=True)
    if actor is not None:
        managers = managers.exclude(pk=actor.pk)
    for user in managers:
        notify(user=user, kind=kind, title=title, body=body, url=_manage_url(consortium), key=key)


def _tell_parties(
    consortium: Consortium,
    *,
    actor: User | None,
    kind: str,
    title: str,
    body: str = "",
    buyer: bool = True,
    members: bool = True,
) -> None:
    org_ids: list[int] = []
    if buyer:
        org_ids.append(consortium.request.buyer_id)
    if members:
        org_ids.extend(m.supplier_id for m in consortium.members.all())
    users = _users_of(org_ids)
    if actor is not None:
        users = users.exclude(pk=actor.pk)
    for user in users:
        notify(user=user, kind=kind, title=title, body=body, url=_party_url(consortium))


def _wants_consortia(request: SourcingRequest) -> bool:
    return bool(
        request.is_open and request.allow_consortium and request.volume_per_month and request.unit
    )
