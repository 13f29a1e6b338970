"""Pages of proposals: a firm's list, one proposal with its explanation, the answers,
invitations from search, and near-misses."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies import selectors as company_selectors
from companies.permissions import is_buyer_user
from matching import hooks, selectors, services
from matching import permissions as matching_permissions
from matching.forms import DeclineForm, InviteForm
from matching.models import Proposal, SourcingRequest
from matching.permissions import decision_open
from matching.selectors import ContactsWithheld, Counterpart, factor_rows
from matching.views.actors import signed_in_user
from sme_platform.errors import Forbidden
from sme_platform.pages import apply_service_errors, found, safe_next

PROPOSAL_PAGE_SIZE = 25


@dataclass
class ProposalRow:
    """A proposal as one user sees it: their side, the factor bars, what they may do."""

    proposal: Proposal
    side: str | None
    factors: list[dict[str, Any]]
    can_decide: bool
    counterpart: Counterpart | None
    contacts_withheld: ContactsWithheld | None

    @property
    def my_decision(self) -> str:
        if self.side is None:
            return ""
        return getattr(self.proposal, f"get_{self.side}_decision_display")()


def proposal_row(user: Any, proposal: Proposal) -> ProposalRow:
    side = matching_permissions.side_of(user, proposal) if user.is_authenticated else None
    return ProposalRow(
        proposal=proposal,
        side=side,
        factors=factor_rows(proposal.breakdown or {}),
        can_decide=decision_open(proposal, side),
        counterpart=selectors.proposal_counterpart(user=user, proposal=proposal),
        contacts_withheld=selectors.proposal_contacts_withheld(user=user, proposal=proposal),
    )


# A buyer reads linkages first, then what still awaits a decision, then the rest.
_STATUS_ORDER: dict[str, int] = {Proposal.Status.LINKED: 0, Proposal.Status.PENDING: 1}


def request_proposals_context(request: HttpRequest, sourcing_request: SourcingRequest) -> dict:
    """What the request page adds: ranked proposals and near-misses for its buyer (and
    staff), or the supplier's own proposal for a supplier it was proposed to."""
    user = request.user
    rows = [
        proposal_row(user, p)
        for p in selectors.proposals_for_request(user=user, request=sourcing_request)
    ]
    rows.sort(key=lambda row: (_STATUS_ORDER.get(row.proposal.status, 2), -row.proposal.score))
    my_proposal = None
    if not rows:
        my_proposal = (
            selectors.proposals_for_supplier(user=user).filter(request=sourcing_request).first()
        )
    return {
        "proposal_rows": rows,
        "near_misses": selectors.near_misses_for_request(user=user, request=sourcing_request),
        "shows_proposals": matching_permissions.sees_request_proposals(user, sourcing_request),
        "my_proposal": my_proposal,
        "decline_form": DeclineForm(),
        **hooks.request_page_context(user=user, sourcing_request=sourcing_request),
    }


def invite_requests_for(user: Any) -> list[SourcingRequest]:
    """The buyer's own open requests, which a supplier found in search may be invited to."""
    if not is_buyer_user(user):
        return []
    return sorted(
        selectors.request_list_filtered(user=user, status=SourcingRequest.Status.OPEN, mine=True),
        key=lambda r: r.title,
    )


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """A supplier's proposals ("My proposals"); a buyer's proposals across its requests."""
    is_supplier = matching_permissions.is_supplier_user(request.user)
    if is_supplier:
        proposals = selectors.proposals_for_supplier(user=request.user)
    else:
        proposals = selectors.proposal_list_visible_to(user=request.user).order_by("-created_at")
    status = request.GET.get("status", "")
    if status in Proposal.Status.values:
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, PROPOSAL_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [proposal_row(request.user, p) for p in page.object_list]
    return render(
        request,
        "matching/proposal_list.html",
        {
            "page": page,
            "rows": rows,
            "is_supplier": is_supplier,
            "status": status,
            "statuses": Proposal.Status.choices,
            **(hooks.supplier_proposals_page_context(user=request.user) if is_supplier else {}),
        },
    )


def _render_detail(
    request: HttpRequest, proposal: Proposal, decline_form: DeclineForm | None = None
) -> HttpResponse:
    return render(
        request,
        "matching/proposal_detail.html",
        {
            "proposal": proposal,
            "row": proposal_row(request.user, proposal),
            "sourcing_request": proposal.request,
            "decline_form": decline_form or DeclineForm(),
            "wanted_countries": sorted(selectors.wanted_countries(proposal.request)),
            "subregion_names": selectors.subregion_names(proposal.request),
        },
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = found(selectors.proposal_get_visible(user=request.user, pk=pk))
    return _render_detail(request, proposal)


@login_required
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = found(selectors.proposal_get_visible(user=request.user, pk=pk))
    back = safe_next(request, reverse("proposal-detail", kwargs={"pk": proposal.pk}))
    try:
        decided = services.proposal_decide(
            proposal=proposal, actor=signed_in_user(request), accept=True
        )
    except Forbidden as exc:
        messages.error(request, str(exc))
    except PermissionDenied:
        messages.error(request, "Only the buyer or the supplier of a proposal answers it.")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        withheld = selectors.proposal_contacts_withheld(user=request.user, proposal=decided)
        if decided.is_linkage and withheld is not None:
            messages.success(
                request,
                _("Linkage made: both sides accepted. %(why)s") % {"why": withheld.label},
            )
        elif decided.is_linkage:
            messages.success(request, _("Linkage made: both sides accepted. Contacts are shown."))
        else:
            messages.success(request, "Accepted. The other side has been told.")
    return redirect(back)


@login_required
@require_POST
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = found(selectors.proposal_get_visible(user=request.user, pk=pk))
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_decide(
                proposal=proposal,
                actor=signed_in_user(request),
                accept=False,
                **form.service_arguments(),
            )
        except Forbidden as exc:
            messages.error(request, str(exc))
        except PermissionDenied:
            messages.error(request, "Only the buyer or the supplier of a proposal answers it.")
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Declined. The proposal is closed for both sides.")
            return redirect(
                safe_next(request, reverse("proposal-detail", kwargs={"pk": proposal.pk}))
            )
    proposal.refresh_from_db()
    return _render_detail(request, proposal, decline_form=form)


@login_required
@require_POST
def proposal_invite(request: HttpRequest) -> HttpResponse:
    """A buyer invites a supplier found in search to one of its open requests."""
    open_requests = invite_requests_for(request.user)
    back = safe_next(request, reverse("supplier-search"))
    form = InviteForm(request.POST, open_requests=open_requests)
    if not form.is_valid():
        messages.error(request, "Choose one of your open requests to invite this supplier to.")
        return redirect(back)
    sourcing_request = next(r for r in open_requests if r.pk == form.cleaned_data["request"])
    supplier = company_selectors.organisation_public_get_by_id(pk=form.cleaned_data["supplier"])
    if supplier is None:
        messages.error(request, "Only SME suppliers can be invited.")
        return redirect(back)
    try:
        proposal = services.proposal_invite_from_search(
            request=sourcing_request, supplier=supplier, actor=signed_in_user(request)
        )
    except Forbidden as exc:
        messages.error(request, str(exc))
    except PermissionDenied:
        messages.error(request, "Only the buyer's users invite suppliers to its requests.")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"{supplier.legal_name} is invited to “{sourcing_request.title}”. "
            "You have accepted; they are told and can accept in turn.",
        )
        return redirect("proposal-detail", pk=proposal.pk)
    return redirect(back)


@login_required
def near_miss_list(request: HttpRequest) -> HttpResponse:
    """Requests the supplier nearly matches, and what it lacks for each."""
    if not matching_permissions.is_supplier_user(request.user):
        raise PermissionDenied("Near-misses show an SME supplier what it lacks for a request.")
    page = Paginator(
        selectors.near_misses_for_supplier(user=request.user), PROPOSAL_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "matching/proposal_near_misses.html", {"page": page})
