"""Writes for proposals: applying a match, each side's decision, a buyer's invitation.

Re-matching never resets a decision, never deletes a proposal someone acted on,
withdraws (with a reason) pending proposals that fell out of the top k, and tells
each side about a proposal once, however often it is re-matched.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Organisation, User
from companies.permissions import require_confirmed_email
from engine.matcher import MatchResult, ScoredSupplier
from engine.thresholds import TOP_K
from matching.models import NearMiss, Proposal, SourcingRequest, max_length_of
from matching.permissions import is_request_buyer, side_of
from notifications.services import notify
from sme_platform.errors import ApplicationError

__all__ = [
    "ApplyCounts",
    "linkages_buyer_verification_changed",
    "proposal_decide",
    "proposal_invite",
    "proposals_apply_match",
    "proposals_close_for_request",
    "side_of",
]

WITHDRAWN_REASON = f"No longer among the {TOP_K} best matches for this request."
# Both sides' notes keep the model's one limit.
NOTE_LIMIT = max_length_of(Proposal, "buyer_note")
VALIDATION_ERROR = "Validation error"


@dataclass
class ApplyCounts:
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    near_misses: int = 0


def _untouched(proposal: Proposal) -> bool:
    return (
        proposal.buyer_decision == Proposal.Decision.PENDING
        and proposal.supplier_decision == Proposal.Decision.PENDING
    )


def _active_users(organisation_id: int) -> Iterable[User]:
    return User.objects.filter(organisation_id=organisation_id, is_active=True)


def _proposal_url(proposal: Proposal) -> str:
    return reverse("proposal-detail", kwargs={"pk": proposal.pk})


def _new_proposal_key(proposal: Proposal) -> str:
    # The matcher's proposal and the buyer's invitation tell the supplier the same news.
    return f"proposal:{proposal.pk}:new"


def _tell_new(request: SourcingRequest, fresh: list[Proposal]) -> None:
    """Each supplier once per proposal; the buyer once per match with the new count."""
    now = timezone.now()
    for proposal in fresh:
        if proposal.supplier_notified_at is None:
            for user in _active_users(proposal.supplier_id):
                notify(
                    user=user,
                    kind="proposal_new",
                    title=f"New opportunity: {request.title}",
                    body=f"{request.buyer.legal_name} may need what you make. "
                    "See why you were proposed, then accept or decline.",
                    url=_proposal_url(proposal),
                    key=_new_proposal_key(proposal),
                )
            proposal.supplier_notified_at = now
    untold = [p for p in fresh if p.buyer_notified_at is None]
    if untold:
        count = len(untold)
        noun = "supplier" if count == 1 else "suppliers"
        for user in _active_users(request.buyer_id):
            notify(
                user=user,
                kind="proposal_new",
                title=f"{count} new proposed {noun} for {request.title}",
                body="Ranked and explained; accept the ones you want to talk to.",
                url=reverse("request-detail", kwargs={"pk": request.pk}),
                # Each proposal is in one such notice only, so its first names the notice.
                key=f"request:{request.pk}:proposals_new_from:{min(p.pk for p in untold)}",
            )
        for proposal in untold:
            proposal.buyer_notified_at = now
    for proposal in fresh:
        proposal.save(update_fields=["supplier_notified_at", "buyer_notified_at"])


def _missing_certifications(request: SourcingRequest, scored: ScoredSupplier) -> list[str]:
    names = {c.name: c.code for c in request.required_certifications.all()}
    missing = []
    for reason in scored.near_miss_reasons:
        for name, code in names.items():
            if reason in (f"lacks {name}", f"{name} has expired"):
                missing.append(code)
    return missing


@transaction.atomic
def proposals_apply_match(
    *, request: SourcingRequest, result: MatchResult, engine_version: str, top_only: bool = True
) -> ApplyCounts:
    """Upsert the request's proposals and near-misses from one match result.

    With ``top_only`` the result is the request's whole top k, so pending untouched
    proposals missing from it are withdrawn; a one-supplier match passes ``False``.
    """
    counts = ApplyCounts()
    # Two jobs may match one request at once (its own job and a supplier's, or the same
    # job delivered twice). Locking the request makes the second wait and then find the
    # first one's proposals to update, so neither inserts a row the other has inserted.
    SourcingRequest.objects.select_for_update(of=("self",)).filter(pk=request.pk).first()
    existing = {
        p.supplier_id: p for p in Proposal.objects.select_for_update().filter(request=request)
    }
    fresh: list[Proposal] = []
    kept: set[int] = set()
    for rank, scored in enumerate(result.proposals, start=1):
        proposal = existing.get(scored.supplier_id)
        if proposal is None:
            proposal = Proposal(request=request, supplier_id=scored.supplier_id)
            counts.created += 1
        else:
            counts.updated += 1
        if proposal.status == Proposal.Status.WITHDRAWN and _untouched(proposal):
            proposal.status, proposal.status_reason = Proposal.Status.PENDING, ""
        proposal.score = scored.score
        proposal.rank = rank if top_only else proposal.rank
        proposal.breakdown = scored.factors
        proposal.explanation = scored.explanation
        proposal.near_miss_reasons = []
        proposal.engine_version = engine_version
        proposal.save()
        kept.add(scored.supplier_id)
        if proposal.status == Proposal.Status.PENDING:
            fresh.append(proposal)
    if top_only:
        for supplier_id, proposal in existing.items():
            if (
                supplier_id not in kept
                and proposal.status == Proposal.Status.PENDING
                and proposal.origin == Proposal.Origin.MATCHER
                and _untouched(proposal)
            ):
                proposal.status = Proposal.Status.WITHDRAWN
                proposal.status_reason = WITHDRAWN_REASON
                proposal.rank = None
                proposal.save(update_fields=["status", "status_reason", "rank", "updated_at"])
                counts.withdrawn += 1
    near_ids = set()
    for scored in result.near_misses:
        if scored.supplier_id in kept:
            continue
        near_ids.add(scored.supplier_id)
        NearMiss.objects.update_or_create(
            request=request,
            supplier_id=scored.supplier_id,
            defaults={
                "score": scored.score,
                "breakdown": scored.factors,
                "reasons": scored.near_miss_reasons,
                "missing_certifications": _missing_certifications(request, scored),
                "engine_version": engine_version,
            },
        )
        counts.near_misses += 1
    stale = NearMiss.objects.filter(request=request)
    if top_only:
        stale.exclude(supplier_id__in=near_ids).delete()
    else:
        stale.filter(supplier_id__in=kept).delete()
    _tell_new(request, fresh)
    return counts


@transaction.atomic
def proposals_close_for_request(*, request: SourcingRequest) -> int:
    return Proposal.objects.filter(request=request, status=Proposal.Status.PENDING).update(
        status=Proposal.Status.CLOSED,
        status_reason="The request is no longer open.",
        updated_at=timezone.now(),
    )


def answer_errors(
    *, accept: bool, reason: str, note: str, reasons: Iterable[str] = Proposal.DeclineReason.values
) -> dict[str, list[str]]:
    """What is wrong with an answer to a proposal (or a consortium): a decline names one
    of ``reasons``, and the note keeps to its length."""
    errors: dict[str, list[str]] = {}
    if not accept and reason not in set(reasons):
        errors["reason"] = ["Say why you decline: choose a reason from the list."]
    if len(note or "") > NOTE_LIMIT:
        errors["note"] = [f"At most {NOTE_LIMIT} characters."]
    return errors


@transaction.atomic
def proposal_decide(
    *, proposal: Proposal, actor: User, accept: bool, reason: str = "", note: str = ""
) -> Proposal:
    """One side accepts or declines. Accepted by both, the proposal is a linkage; its
    contacts show once staff have verified the buyer.

    The row is locked and re-read first, so two answers at once (a double click, two
    colleagues) make one decision: the second finds it made and is refused.
    """
    require_confirmed_email(actor)
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("request__buyer", "supplier")
        .get(pk=proposal.pk)
    )
    side = side_of(actor, proposal)
    if side is None:
        raise PermissionDenied("You are on neither side of this proposal.")
    errors: dict[str, list[str]] = {}
    if proposal.status != Proposal.Status.PENDING:
        errors["proposal"] = [f"This proposal is {proposal.get_status_display().lower()}."]
    elif getattr(proposal, f"{side}_decision") != Proposal.Decision.PENDING:
        errors["proposal"] = ["Your organisation has already answered this proposal."]
    errors.update(answer_errors(accept=accept, reason=reason, note=note))
    if errors:
        raise ApplicationError(VALIDATION_ERROR, errors)

    now = timezone.now()
    decision = Proposal.Decision.ACCEPTED if accept else Proposal.Decision.DECLINED
    setattr(proposal, f"{side}_decision", decision)
    setattr(proposal, f"{side}_reason", "" if accept else reason)
    setattr(proposal, f"{side}_note", (note or "").strip())
    setattr(proposal, f"{side}_decided_at", now)
    setattr(proposal, f"{side}_decided_by", actor)
    other = "supplier" if side == "buyer" else "buyer"
    other_org_id = proposal.supplier_id if other == "supplier" else proposal.request.buyer_id
    request = proposal.request
    name = proposal.supplier.legal_name if side == "supplier" else request.buyer.legal_name
    if not accept:
        proposal.status = Proposal.Status.DECLINED
        proposal.status_reason = f"Declined by the {side}."
        title = f"{name} declined: {request.title}"
    elif getattr(proposal, f"{other}_decision") == Proposal.Decision.ACCEPTED:
        proposal.status = Proposal.Status.LINKED
        title = f"Linkage made: {request.title}"
    else:
        title = f"{name} accepted: {request.title}"
    proposal.save()
    url = _proposal_url(proposal)
    if proposal.status == Proposal.Status.LINKED:
        if request.buyer.is_verified:
            body = _("Both sides accepted. Contact details are now shown on the proposal.")
        else:
            body = _(
                "Both sides accepted. Platform staff have not verified %(buyer)s yet: "
                "contact details are shown to both sides once they have, and you will be told."
            ) % {"buyer": request.buyer.legal_name}
        for org_id in (proposal.supplier_id, request.buyer_id):
            for user in _active_users(org_id):
                notify(
                    user=user,
                    kind="linkage",
                    title=title,
                    body=body,
                    url=url,
                    key=f"proposal:{proposal.pk}:linkage",
                )
    else:
        for user in _active_users(other_org_id):
            notify(
                user=user,
                kind=f"proposal_{decision}",
                title=title,
                url=url,
                key=f"proposal:{proposal.pk}:{side}_{decision}",
            )
    return proposal


@transaction.atomic
def proposal_invite(
    *,
    request: SourcingRequest,
    supplier: Organisation,
    actor: User,
    scored: ScoredSupplier | None = None,
    engine_version: str = "",
) -> Proposal:
    """A buyer invites a supplier found in search: a proposal the buyer has accepted."""
    require_confirmed_email(actor)
    request = (
        SourcingRequest.objects.select_for_update(of=("self",))
        .select_related("buyer")
        .get(pk=request.pk)
    )
    if not is_request_buyer(actor, request):
        raise PermissionDenied("Only the buyer's users invite suppliers to its requests.")
    errors: dict[str, list[str]] = {}
    if not request.is_open:
        errors["request"] = ["Only an open request takes invitations."]
    if supplier.kind != Organisation.Kind.SUPPLIER:
        errors["supplier"] = ["Only SME suppliers can be invited."]
    if errors:
        raise ApplicationError(VALIDATION_ERROR, errors)
    proposal = (
        Proposal.objects.select_for_update().filter(request=request, supplier=supplier).first()
    )
    if proposal is not None and proposal.status not in (
        Proposal.Status.PENDING,
        Proposal.Status.WITHDRAWN,
    ):
        message = f"This supplier's proposal is {proposal.get_status_display().lower()}."
        raise ApplicationError(message, {"supplier": [message]})
    if proposal is None:
        proposal = Proposal(request=request, supplier=supplier, origin=Proposal.Origin.INVITATION)
    if proposal.buyer_decision == Proposal.Decision.ACCEPTED:
        message = "You have already invited or accepted this supplier."
        raise ApplicationError(message, {"supplier": [message]})
    if scored is not None:
        proposal.score = scored.score
        proposal.breakdown = scored.factors
        proposal.explanation = scored.explanation
        proposal.near_miss_reasons = scored.near_miss_reasons
        proposal.engine_version = engine_version
    proposal.status, proposal.status_reason = Proposal.Status.PENDING, ""
    proposal.buyer_decision = Proposal.Decision.ACCEPTED
    proposal.buyer_decided_at = timezone.now()
    proposal.buyer_decided_by = actor
    proposal.buyer_notified_at = proposal.buyer_notified_at or timezone.now()
    proposal.save()
    NearMiss.objects.filter(request=request, supplier=supplier).delete()
    if proposal.supplier_notified_at is None:
        for user in _active_users(supplier.pk):
            notify(
                user=user,
                kind="proposal_invitation",
                title=f"{request.buyer.legal_name} invites you: {request.title}",
                body="The buyer has already accepted; accept to see each other's contacts.",
                url=_proposal_url(proposal),
                key=_new_proposal_key(proposal),
            )
        proposal.supplier_notified_at = timezone.now()
        proposal.save(update_fields=["supplier_notified_at"])
    return proposal


@transaction.atomic
def linkages_buyer_verification_changed(*, buyer: Organisation, verified: bool) -> int:
    """Tell both sides of the buyer's linkages that their contacts are now shown
    (staff verified the buyer) or hidden again (its verification lapsed or was
    withdrawn). Returns how many linkages were told about."""
    if not buyer.is_buyer:
        return 0
    linkages = list(
        Proposal.objects.filter(request__buyer=buyer, status=Proposal.Status.LINKED)
        .select_related("request", "supplier")
        .order_by("pk")
    )
    for proposal in linkages:
        names = {"buyer": buyer.legal_name, "title": proposal.request.title}
        if verified:
            kind = "linkage_contacts_shown"
            title = _("Contacts shown: %(title)s") % names
            body = (
                _(
                    "Platform staff verified %(buyer)s: both sides' contact details are now "
                    "shown on the linkage."
                )
                % names
            )
        else:
            kind = "linkage_contacts_hidden"
            title = _("Contacts hidden again: %(title)s") % names
            body = (
                _(
                    "%(buyer)s awaits verification by platform staff again (for example, its "
                    "legal name or country changed). Contact details are hidden until staff "
                    "verify it."
                )
                % names
            )
        for org_id in (proposal.supplier_id, buyer.pk):
            for user in _active_users(org_id):
                notify(user=user, kind=kind, title=title, body=body, url=_proposal_url(proposal))
    return len(linkages)
