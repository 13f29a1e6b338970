"""The matcher's drafts: consortia proposed, updated or closed as requests are matched,
closed, or lose a member."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from clusters.models import ClusterMembership
from companies.models import ProductLine, User
from consortia.models import Consortium
from consortia.selectors.consortia import eligible_memberships, makers_filter, request_need
from consortia.services._shared import (
    _breakdown,
    _candidates,
    _tell_managers,
    _tell_parties,
    _wants_consortia,
    _write_members,
)
from engine.consortia import ConsortiumOption, find_consortia
from engine.thresholds import (
    CONSORTIUM_DRAFTS_PER_CLUSTER,
)
from matching.models import SourcingRequest

# The reason the matcher gives when a draft it made no longer answers the request.
MATCHER_WITHDRAWN_REASON = "The members no longer meet the request together."


CLOSED_REASON = "The request is no longer open."

Status = Consortium.Status


def _outside_wanted_countries(reasons: Sequence[str]) -> bool:
    return any(r.startswith("outside the wanted countries") for r in reasons)


def _matcher_may_update(consortium: Consortium) -> bool:
    """A draft nobody touched, or one the matcher itself withdrew; never a manager's."""
    if consortium.edited_at is not None or consortium.proposed_at is not None:
        return False
    if consortium.status == Status.DRAFT:
        return True
    return (
        consortium.status == Status.WITHDRAWN
        and consortium.status_reason == MATCHER_WITHDRAWN_REASON
    )


@transaction.atomic
def consortia_propose_for_request(*, request: SourcingRequest) -> list[Consortium]:
    """Draft, per cluster, the best consortium for a request no single member meets.

    Idempotent: a re-run updates the drafts it made that nobody touched, withdraws
    those that no longer meet the request, and leaves every other one alone. A
    request that is no longer open closes its consortia. Returns the drafts made or
    updated; managers hear of a draft once.
    """
    request = (
        SourcingRequest.objects.select_for_update(of=("self",))
        .select_related("buyer")
        .get(pk=request.pk)
    )
    if not request.is_open:
        consortia_close_for_requests(request_ids=[request.pk])
        return []
    existing = {
        c.cluster_id: c
        for c in Consortium.objects.select_for_update(of=("self",))
        .select_related("cluster")
        .filter(request=request)
    }
    drafts: dict[int, ConsortiumOption] = {}
    memberships: dict[int, dict[int, ClusterMembership]] = defaultdict(dict)
    names: dict[int, str] = {}
    version = ""
    if _wants_consortia(request):
        need = request_need(request)
        makers = ProductLine.objects.filter(makers_filter(need)).values("organisation_id")
        rows = list(eligible_memberships().filter(supplier_id__in=makers))
        for membership in rows:
            supplier = membership.supplier
            if supplier is None:  # never: eligible memberships all have a firm
                continue
            memberships[membership.cluster_id][supplier.pk] = membership
            names[supplier.pk] = supplier.legal_name
        candidates, reasons, version = _candidates(request, names)
        for cluster_id, members in memberships.items():
            pool = [
                candidates[supplier_id]
                for supplier_id in members
                if supplier_id in candidates and not _outside_wanted_countries(reasons[supplier_id])
            ]
            found = find_consortia(need, pool, limit=CONSORTIUM_DRAFTS_PER_CLUSTER)
            if found:
                drafts[cluster_id] = found[0]
    made: list[Consortium] = []
    for cluster_id, option in drafts.items():
        consortium = existing.get(cluster_id)
        if consortium is not None and not _matcher_may_update(consortium):
            continue
        if consortium is None:
            consortium = Consortium(request=request, cluster_id=cluster_id)
        consortium.status, consortium.status_reason = Status.DRAFT, ""
        consortium.score = option.total_score
        consortium.breakdown = _breakdown(option, names)
        consortium.engine_version = version
        consortium.save()
        # The managers name the lead: the matcher only proposes who takes part.
        _write_members(consortium, option, memberships[cluster_id], lead=None)
        made.append(consortium)
    for cluster_id, consortium in existing.items():
        if (
            cluster_id not in drafts
            and consortium.status == Status.DRAFT
            and _matcher_may_update(consortium)
        ):
            consortium.status, consortium.status_reason = Status.WITHDRAWN, MATCHER_WITHDRAWN_REASON
            consortium.save(update_fields=["status", "status_reason", "updated_at"])
    now = timezone.now()
    for consortium in made:
        if consortium.managers_notified_at is None:
            count = len(drafts[consortium.cluster_id].members)
            _tell_managers(
                consortium,
                actor=None,
                kind="consortium_draft",
                title=f"{count} of your members could answer together: {request.title}",
                body=(
                    f"{request.buyer.legal_name} needs {request.volume_per_month:,} "
                    f"{request.unit} a month, more than any one member makes. Review the "
                    "draft consortium, name a lead and propose it to the buyer."
                ),
                key=f"consortium:{consortium.pk}:draft",
            )
            consortium.managers_notified_at = now
            consortium.save(update_fields=["managers_notified_at"])
    return made


@transaction.atomic
def consortia_close_for_requests(*, request_ids: Iterable[int]) -> int:
    """The requests closed: their consortia still under way are closed too."""
    return Consortium.objects.filter(
        request_id__in=list(request_ids),
        status__in=[Status.DRAFT, Status.PROPOSED, Status.RETURNED],
    ).update(status=Status.CLOSED, status_reason=CLOSED_REASON, updated_at=timezone.now())


def consortia_return_for_membership(*, membership: ClusterMembership, actor: User | None) -> int:
    """A member was suspended, removed or left: its proposed consortia go back to the managers.

    Runs inside the membership change's transaction. Drafts keep the member, marked as
    no longer active on the managers' page, until they edit it or the matcher re-runs.
    """
    consortia = list(
        Consortium.objects.select_for_update(of=("self",))
        .select_related("request__buyer", "cluster")
        .filter(members__membership=membership, status=Status.PROPOSED)
    )
    name = membership.display_name
    for consortium in consortia:
        consortium.status = Status.RETURNED
        consortium.status_reason = (
            f"{name} is no longer an active member of the cluster. Replace it or withdraw."
        )
        consortium.save(update_fields=["status", "status_reason", "updated_at"])
        _tell_managers(
            consortium,
            actor=None,
            kind="consortium_returned",
            title=f"{name} left the consortium for {consortium.request.title}",
            body=consortium.status_reason,
        )
        _tell_parties(
            consortium,
            actor=actor,
            kind="consortium_returned",
            title=f"The consortium for {consortium.request.title} is being revised",
            body="A member is no longer in the cluster; the managers will propose it again "
            "or withdraw it.",
        )
    return len(consortia)
