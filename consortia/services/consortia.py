"""Writes for consortia: the matcher's drafts, the managers' edits and proposals,
and the buyer's and every member's answers.

The matcher drafts at most one consortium per request and cluster, after
matching the request (``consortia_propose_for_request``, called by the match
job). Re-running it updates a draft nobody touched and never one a manager
edited, proposed or withdrew. Only active members (not suspended, removed or
left) of approved clusters take part, and only firms a user has claimed.

The buyer and every member answer the latest proposal. A member declining
returns the consortium to the managers, who edit it (and propose it again:
everyone answers anew, since the set changed) or withdraw it. When the buyer and
every member have accepted, the consortium is a linkage and contacts show.

A broken rule raises ``ApplicationError`` naming each field and writes nothing;
the wrong person raises ``PermissionDenied``.
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from clusters.models import ClusterMembership
from companies.models import User
from companies.permissions import require_confirmed_email
from consortia.models import Consortium
from consortia.models.consortia import Decision, DeclineReason
from consortia.permissions import check_consortium_manager, consortium_side_of
from consortia.selectors.consortia import eligible_memberships, request_need
from consortia.services._shared import (
    MEMBERS_RULE,
    _allowed_size,
    _breakdown,
    _candidates,
    _tell_managers,
    _tell_parties,
    _wants_consortia,
    _write_members,
)
from engine.consortia import ConsortiumOption, MemberCandidate, evaluate
from matching.services.proposals import answer_errors
from sme_platform.errors import check_fields, refusal

COMPETITION_NOTICE = (
    "Members of a consortium coordinate capacity and delivery, never prices: each "
    "member sets its own prices, and competitors agreeing on prices breaks competition law."
)
LEAD_NOT_AN_ID = "Give the lead as one of the members' ids."

Status = Consortium.Status


# FROM THE REQUEST AND THE ENGINE
# ------------------------------------------------------------------------------


# NOTIFICATIONS
# ------------------------------------------------------------------------------


# THE MATCHER'S DRAFTS
# ------------------------------------------------------------------------------


# MANAGERS
# ------------------------------------------------------------------------------


def _locked(consortium: Consortium) -> Consortium:
    return (
        Consortium.objects.select_for_update(of=("self",))
        .select_related("request__buyer", "cluster")
        .get(pk=consortium.pk)
    )


def _is_id(value: object) -> bool:
    # The API and the pages hand numbers over; anything else is a caller's mistake.
    return isinstance(value, int) and not isinstance(value, bool)


def _evaluate_members(
    consortium: Consortium, supplier_ids: Sequence[int]
) -> tuple[ConsortiumOption, dict[int, str]]:
    """The figures of a chosen set, each member scored by the engine for the request."""
    candidates, _, _ = _candidates(consortium.request, supplier_ids)
    # Every eligible firm has an engine record; one that had none would count for nothing.
    option = evaluate(
        request_need(consortium.request),
        [candidates.get(i) or MemberCandidate(id=i, score=0.0) for i in supplier_ids],
    )
    names = dict(
        consortium.cluster.memberships.filter(supplier_id__in=supplier_ids).values_list(
            "supplier_id", "supplier__legal_name"
        )
    )
    return option, names


@transaction.atomic
def consortium_update(
    *, consortium: Consortium, actor: User, members: Sequence[int], lead: int | None = None
) -> Consortium:
    """A manager sets the members (by firm id) and the lead; the figures are recomputed.

    The set must be 2 to 5 active members of the cluster and the lead one of them
    (or none yet); whether the set meets the request is shown in the breakdown and
    checked when the consortium is proposed.
    """
    require_confirmed_email(actor)
    consortium = _locked(consortium)
    check_consortium_manager(actor, consortium)
    if not consortium.is_editable:
        raise refusal(
            {"status": [f"This consortium is {consortium.get_status_display().lower()}."]}
        )
    errors: dict[str, list[str]] = {}
    strange = next((value for value in members if not _is_id(value)), None)
    if strange is not None:
        errors["members"] = [f"“{strange}” is not a member id."]
    supplier_ids = list(dict.fromkeys(value for value in members if _is_id(value)))
    if "members" not in errors and not _allowed_size(len(supplier_ids)):
        errors["members"] = [f"{MEMBERS_RULE} (you chose {len(supplier_ids)})."]
    eligible: dict[int, ClusterMembership] = {
        m.supplier_id: m  # type: ignore[misc]  # eligible memberships all have a firm
        for m in eligible_memberships(cluster=consortium.cluster).filter(
            supplier_id__in=supplier_ids
        )
    }
    strangers = [i for i in supplier_ids if i not in eligible]
    if strangers and "members" not in errors:
        errors["members"] = [
            "Only active members of this cluster take part; not: "
            + ", ".join(str(i) for i in strangers)
            + "."
        ]
    lead_id: int | None = None
    if lead is not None:
        if not _is_id(lead):
            errors["lead"] = [LEAD_NOT_AN_ID]
        elif lead not in supplier_ids:
            errors["lead"] = ["The lead must be one of the members."]
        else:
            lead_id = lead
    if errors:
        raise refusal(errors)
    option, names = _evaluate_members(consortium, supplier_ids)
    consortium.score = option.total_score
    consortium.breakdown = _breakdown(option, names)
    consortium.edited_at, consortium.edited_by = timezone.now(), actor
    consortium.save()
    _write_members(consortium, option, eligible, lead=lead_id, keep_decisions=False)
    return consortium


@transaction.atomic
def consortium_propose(*, consortium: Consortium, actor: User) -> Consortium:
    """A manager proposes the consortium to the buyer; the buyer and members then answer."""
    require_confirmed_email(actor)
    consortium = _locked(consortium)
    check_consortium_manager(actor, consortium)
    if not consortium.is_editable:
        raise refusal(
            {"status": [f"This consortium is {consortium.get_status_display().lower()}."]}
        )
    request = consortium.request
    errors: dict[str, list[str]] = {}
    if not _wants_consortia(request):
        errors["request"] = ["The request no longer takes consortia: it is closed or changed."]
    rows = list(consortium.members.select_related("membership", "supplier"))
    if not _allowed_size(len(rows)):
        errors["members"] = [f"{MEMBERS_RULE}."]
    gone = [
        r.supplier.legal_name
        for r in rows
        if r.membership.status != ClusterMembership.Status.ACTIVE
        or r.membership.cluster_id != consortium.cluster_id
    ]
    if gone:
        errors["members"] = [
            "No longer active members of the cluster: " + ", ".join(gone) + ". Replace them."
        ]
    if not any(r.is_lead for r in rows):
        errors["lead"] = ["Name one member as the lead before proposing."]
    if "members" not in errors and "request" not in errors:
        option, names = _evaluate_members(consortium, [r.supplier_id for r in rows])
        consortium.breakdown = _breakdown(option, names)
        consortium.score = option.total_score
        missing = _missing_in_words(option)
        if missing:
            errors["members"] = missing
    if errors:
        raise refusal(errors)
    now = timezone.now()
    consortium.status, consortium.status_reason = Status.PROPOSED, ""
    consortium.proposed_at, consortium.proposed_by = now, actor
    consortium.buyer_decision, consortium.buyer_reason, consortium.buyer_note = (
        Decision.PENDING,
        "",
        "",
    )
    consortium.buyer_decided_at, consortium.buyer_decided_by = None, None
    consortium.save()
    consortium.members.update(
        decision=Decision.PENDING, reason="", note="", decided_at=None, decided_by=None
    )
    count = len(rows)
    _tell_parties(
        consortium,
        actor=actor,
        kind="consortium_proposed",
        title=f"{consortium.cluster.name} proposes {count} members together: {request.title}",
        body=(
            "Their pooled capacity meets the volume asked. Contacts are shown once the buyer "
            "and every member have accepted. " + COMPETITION_NOTICE
        ),
    )
    return consortium


def _missing_in_words(option: ConsortiumOption) -> list[str]:
    missing = []
    if option.pooled_capacity < option.volume:
        missing.append(
            f"Pooled capacity {option.pooled_capacity:,.0f} {option.unit} a month is short of "
            f"the {option.volume:,.0f} asked (missing {option.shortfall:,.0f})."
        )
    if option.missing_products:
        missing.append(
            "No member makes HS " + ", ".join(option.missing_products) + " in the request's unit."
        )
    if option.missing_certifications:
        missing.append(
            "Every member must hold: "
            + ", ".join(option.missing_certifications)
            + " (some members lack it)."
        )
    return missing


@transaction.atomic
def consortium_withdraw(*, consortium: Consortium, actor: User, note: str = "") -> Consortium:
    """A manager withdraws the consortium; a buyer and members who saw it are told."""
    require_confirmed_email(actor)
    consortium = _locked(consortium)
    check_consortium_manager(actor, consortium)
    consortium.status_reason = note
    check_fields(consortium, ["status_reason"], as_names={"status_reason": "note"})
    if consortium.status not in (Status.DRAFT, Status.PROPOSED, Status.RETURNED):
        raise refusal(
            {"status": [f"This consortium is {consortium.get_status_display().lower()}."]}
        )
    consortium.status = Status.WITHDRAWN
    consortium.status_reason = note or "Withdrawn by the cluster's managers."
    consortium.drafted_by_matcher = False
    consortium.edited_at = consortium.edited_at or timezone.now()
    consortium.edited_by = consortium.edited_by or actor
    consortium.save()
    if consortium.was_proposed:
        _tell_parties(
            consortium,
            actor=actor,
            kind="consortium_withdrawn",
            title=f"{consortium.cluster.name} withdrew its consortium: {consortium.request.title}",
            body=consortium.status_reason,
        )
    _tell_managers(
        consortium,
        actor=actor,
        kind="consortium_withdrawn",
        title=f"Consortium withdrawn: {consortium.request.title}",
        body=consortium.status_reason,
    )
    return consortium


# THE BUYER AND THE MEMBERS
# ------------------------------------------------------------------------------


@transaction.atomic
def consortium_decide(
    *, consortium: Consortium, actor: User, accept: bool, reason: str = "", note: str = ""
) -> Consortium:
    """The buyer or one member answers the proposal.

    A member declining returns the consortium to the managers; the buyer declining
    ends it. Accepted by the buyer and every member, it is a linkage.
    """
    require_confirmed_email(actor)
    consortium = _locked(consortium)
    side = consortium_side_of(actor, consortium)
    if side is None:
        raise PermissionDenied("You are neither the buyer nor a member of this consortium.")
    place = None
    if side == "member":
        place = (
            consortium.members.select_for_update(of=("self",))
            .select_related("membership", "supplier")
            .get(supplier_id=actor.organisation_id)
        )
        if place.membership.status != ClusterMembership.Status.ACTIVE:
            raise PermissionDenied(
                "Your firm is no longer an active member of this cluster: it cannot answer."
            )
    errors: dict[str, list[str]] = {}
    decision = consortium.buyer_decision if place is None else place.decision
    if consortium.status != Status.PROPOSED:
        errors["consortium"] = [f"This consortium is {consortium.get_status_display().lower()}."]
    elif not consortium.request.is_open:
        errors["consortium"] = ["The request is no longer open."]
    elif decision != Decision.PENDING:
        errors["consortium"] = ["Your organisation has already answered this consortium."]
    errors.update(
        answer_errors(accept=accept, reason=reason, note=note, reasons=DeclineReason.values)
    )
    if errors:
        raise refusal(errors)

    now = timezone.now()
    answer = Decision.ACCEPTED if accept else Decision.DECLINED
    note, reason = (note or "").strip(), "" if accept else reason
    request = consortium.request
    if place is None:
        consortium.buyer_decision, consortium.buyer_reason = answer, reason
        consortium.buyer_note, consortium.buyer_decided_at = note, now
        consortium.buyer_decided_by = actor
        name = request.buyer.legal_name
    else:
        place.decision, place.reason, place.note = answer, reason, note
        place.decided_at, place.decided_by = now, actor
        place.save()
        name = place.supplier.legal_name
    if not accept and place is None:
        consortium.status, consortium.status_reason = Status.DECLINED, "Declined by the buyer."
    elif not accept:
        consortium.status = Status.RETURNED
        consortium.status_reason = (
            f"{name} declined ({DeclineReason(reason).label.lower()}). Edit or withdraw it."
        )
    elif (
        consortium.buyer_decision == Decision.ACCEPTED
        and not consortium.members.exclude(decision=Decision.ACCEPTED).exists()
    ):
        consortium.status, consortium.status_reason = Status.LINKED, ""
    consortium.save()

    if consortium.status == Status.LINKED:
        title = f"Linkage made with {consortium.cluster.name}'s consortium: {request.title}"
        body = "The buyer and every member accepted. Contacts are now shown to each of you."
        _tell_parties(consortium, actor=None, kind="consortium_linkage", title=title, body=body)
        _tell_managers(consortium, actor=None, kind="consortium_linkage", title=title, body=body)
    elif consortium.status == Status.RETURNED:
        _tell_managers(
            consortium,
            actor=actor,
            kind="consortium_returned",
            title=f"{name} declined the consortium for {request.title}",
            body="It is back with you: replace the member and propose it again, or withdraw it.",
        )
        _tell_parties(
            consortium,
            actor=actor,
            kind="consortium_returned",
            title=f"A member declined; the consortium for {request.title} is being revised",
            body="The cluster's managers will propose it again or withdraw it.",
        )
    elif consortium.status == Status.DECLINED:
        title = f"{name} declined the consortium: {request.title}"
        _tell_managers(consortium, actor=actor, kind="consortium_declined", title=title, body=note)
        _tell_parties(consortium, actor=actor, kind="consortium_declined", title=title, buyer=False)
    else:
        title = f"{name} accepted the consortium: {request.title}"
        _tell_managers(consortium, actor=actor, kind="consortium_accepted", title=title, body="")
        _tell_parties(consortium, actor=actor, kind="consortium_accepted", title=title)
    return consortium
