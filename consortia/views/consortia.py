"""Pages of consortia: the managers' list, review and edit; the buyer's and members'
view and answer.

A manager's pages look the consortium up among their own cluster's (anything else
is a 404); the buyer's and members' page among the consortia proposed to them.
Every write goes through the same service as the API. Contacts come only from
``selectors.consortium_contacts``, empty until the buyer and every member accepted.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clusters import selectors as cluster_selectors
from clusters.models import Cluster, ClusterMembership
from clusters.views.signed_in import SignedInRequest
from companies.models import CertificationScheme, HsCode
from consortia import selectors, services
from consortia.forms.consortia import (
    ConsortiumDeclineForm,
    ConsortiumEditForm,
    ConsortiumWithdrawForm,
)
from consortia.models import Consortium
from consortia.models.consortia import Decision
from consortia.permissions import can_manage_consortium, consortium_side_of
from consortia.selectors.consortia import Party
from sme_platform.errors import ApplicationError, messages_of
from sme_platform.pages import apply_service_errors, found, safe_next

__all__ = [
    "ConsortiumRow",
    "consortium_accept",
    "consortium_decline",
    "consortium_detail",
    "consortium_row",
    "manager_consortium_detail",
    "manager_consortium_list",
    "manager_consortium_propose",
    "manager_consortium_withdraw",
]

Status = Consortium.Status


def missing_in_words(breakdown: dict[str, Any], names: dict[str, str]) -> list[str]:
    """What the set lacks to meet the request, as a manager reads it."""
    words = []
    if breakdown.get("shortfall"):
        words.append(
            f"Pooled capacity {breakdown['pooled_capacity']:,.0f} {breakdown.get('unit', '')} a "
            f"month: {breakdown['shortfall']:,.0f} short of the {breakdown['volume']:,.0f} asked."
        )
    for code in breakdown.get("missing_products", []):
        words.append(f"No member makes HS {code} in the request's unit.")
    for member in breakdown.get("members", []):
        lacking = [names.get(c, c) for c in member.get("missing_certifications", [])]
        if lacking:
            words.append(f"{member.get('name') or 'A member'} lacks {', '.join(lacking)}.")
    return words


@dataclass
class ConsortiumRow:
    """A consortium as one user sees it: their side, the figures, what they may do."""

    consortium: Consortium
    side: str | None
    members: list[Any]
    can_decide: bool
    my_decision: str
    contacts: list[Party]
    certifications: list[tuple[str, bool]]
    products: list[tuple[str, str, float]]
    missing: list[str] = field(default_factory=list)

    @property
    def breakdown(self) -> dict[str, Any]:
        return self.consortium.breakdown or {}


def consortium_row(user: Any, consortium: Consortium) -> ConsortiumRow:
    side = consortium_side_of(user, consortium)
    members = list(consortium.members.all())
    place = next((m for m in members if m.supplier_id == user.organisation_id), None)
    if side == "buyer":
        decision = consortium.buyer_decision
        label = consortium.get_buyer_decision_display()
    elif place is not None:
        decision, label = place.decision, place.get_decision_display()
    else:
        decision, label = "", ""
    breakdown = consortium.breakdown or {}
    request = consortium.request
    names = {c.code: c.name for c in request.required_certifications.all()}
    covered = set(breakdown.get("certifications_covered", []))
    descriptions = dict(
        HsCode.objects.filter(code__in=list(breakdown.get("capacity_by_product", {}))).values_list(
            "code", "description"
        )
    )
    return ConsortiumRow(
        consortium=consortium,
        side=side,
        members=members,
        can_decide=bool(
            side and consortium.status == Status.PROPOSED and decision == Decision.PENDING
        ),
        my_decision=label,
        contacts=selectors.consortium_contacts(user=user, consortium=consortium),
        certifications=[(name, code in covered) for code, name in sorted(names.items())],
        products=[
            (code, descriptions.get(code, ""), capacity)
            for code, capacity in breakdown.get("capacity_by_product", {}).items()
        ],
        missing=(
            missing_in_words(
                breakdown, dict(CertificationScheme.objects.values_list("code", "name"))
            )
            + [
                f"{m.supplier.legal_name} is no longer an active member: replace it."
                for m in members
                if m.membership.status != ClusterMembership.Status.ACTIVE
            ]
            + ([] if any(m.is_lead for m in members) else ["No lead yet: name one member."])
        )
        if consortium.is_editable
        else [],
    )


# MANAGERS
# ------------------------------------------------------------------------------


def _managed_cluster(request: HttpRequest, slug: str) -> Cluster:
    return found(cluster_selectors.cluster_get_managed(user=request.user, slug=slug))


def _managed(request: HttpRequest, slug: str, pk: Any) -> tuple[Cluster, Consortium]:
    cluster = _managed_cluster(request, slug)
    consortium = found(
        selectors.consortium_get_for_manager(user=request.user, cluster=cluster, pk=pk)
    )
    return cluster, consortium


@login_required
def manager_consortium_list(request: SignedInRequest, slug: str) -> HttpResponse:
    cluster = _managed_cluster(request, slug)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    consortia = selectors.consortia_for_manager(user=request.user, cluster=cluster, status=status)
    return render(
        request,
        "consortia/consortium_list.html",
        {
            "cluster": cluster,
            "consortia": consortia,
            "status": status,
            "statuses": Status.choices,
            "notice": services.COMPETITION_NOTICE,
        },
    )


def _member_choices(user: Any, cluster: Any, consortium: Consortium) -> list[tuple[int, str]]:
    unit = consortium.request.get_unit_display()
    choices = {
        c.supplier_id: f"{c.name} — {c.capacity:,.0f} {unit} a month"
        for c in selectors.active_members_for_choice(
            user=user, cluster=cluster, request=consortium.request
        )
    }
    # Members that cannot pledge stay listed so the manager sees them and can untick them.
    for member in consortium.members.all():
        why = (
            "no longer active"
            if member.membership.status != ClusterMembership.Status.ACTIVE
            else f"no capacity for the requested products in {unit}"
        )
        choices.setdefault(member.supplier_id, f"{member.supplier.legal_name} ({why})")
    return list(choices.items())


def _render_manager_detail(
    request: HttpRequest,
    cluster: Any,
    consortium: Consortium,
    *,
    form: ConsortiumEditForm | None = None,
    propose_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    choices = _member_choices(request.user, cluster, consortium)
    members = list(consortium.members.all())
    if form is None:
        form = ConsortiumEditForm(
            initial={
                "members": [str(m.supplier_id) for m in members],
                "lead": next((str(m.supplier_id) for m in members if m.is_lead), ""),
            },
            choices=choices,
        )
    return render(
        request,
        "consortia/consortium_manage.html",
        {
            "cluster": cluster,
            "consortium": consortium,
            "row": consortium_row(request.user, consortium),
            "form": form,
            "withdraw_form": ConsortiumWithdrawForm(),
            "propose_errors": propose_errors or [],
            "notice": services.COMPETITION_NOTICE,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manager_consortium_detail(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """The breakdown, and (POST) the edit of its members and lead."""
    cluster, consortium = _managed(request, slug, pk)
    if request.method == "GET":
        return _render_manager_detail(request, cluster, consortium)
    form = ConsortiumEditForm(
        request.POST, choices=_member_choices(request.user, cluster, consortium)
    )
    if form.is_valid():
        try:
            services.consortium_update(
                consortium=consortium, actor=request.user, **form.service_arguments()
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ApplicationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Consortium saved. Its figures are recomputed below.")
            return redirect("cluster-consortium-detail", slug=cluster.slug, pk=consortium.pk)
    return _render_manager_detail(request, cluster, consortium, form=form, status=400)


@login_required
@require_POST
def manager_consortium_propose(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    cluster, consortium = _managed(request, slug, pk)
    try:
        services.consortium_propose(consortium=consortium, actor=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ApplicationError as exc:
        consortium.refresh_from_db()
        return _render_manager_detail(
            request, cluster, consortium, propose_errors=messages_of(exc), status=400
        )
    else:
        messages.success(
            request,
            "Proposed to the buyer. The buyer and every member are told and answer in turn.",
        )
    return redirect("cluster-consortium-detail", slug=cluster.slug, pk=consortium.pk)


@login_required
@require_POST
def manager_consortium_withdraw(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    cluster, consortium = _managed(request, slug, pk)
    form = ConsortiumWithdrawForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("cluster-consortium-detail", slug=cluster.slug, pk=consortium.pk)
    try:
        services.consortium_withdraw(
            consortium=consortium, actor=request.user, note=form.cleaned_data["note"]
        )
    except (PermissionDenied, ApplicationError) as exc:
        for text in messages_of(exc):
            messages.error(request, text)
    else:
        messages.success(request, "Consortium withdrawn.")
    return redirect("cluster-consortium-detail", slug=cluster.slug, pk=consortium.pk)


# THE BUYER AND THE MEMBERS
# ------------------------------------------------------------------------------


def _render_party_detail(
    request: HttpRequest,
    consortium: Consortium,
    *,
    decline_form: ConsortiumDeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "consortia/consortium_detail.html",
        {
            "consortium": consortium,
            "row": consortium_row(request.user, consortium),
            "decline_form": decline_form or ConsortiumDeclineForm(),
            "notice": services.COMPETITION_NOTICE,
            "is_manager": can_manage_consortium(request.user, consortium),
        },
        status=status,
    )


@login_required
def consortium_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    consortium = found(selectors.consortium_get_visible(user=request.user, pk=pk))
    return _render_party_detail(request, consortium)


@login_required
@require_POST
def consortium_accept(request: SignedInRequest, pk: int) -> HttpResponse:
    consortium = found(selectors.consortium_get_visible(user=request.user, pk=pk))
    back = safe_next(request, reverse("consortium-detail", kwargs={"pk": consortium.pk}))
    try:
        decided = services.consortium_decide(consortium=consortium, actor=request.user, accept=True)
    except (PermissionDenied, ApplicationError) as exc:
        for text in messages_of(exc):
            messages.error(request, text)
    else:
        if decided.is_linkage:
            messages.success(request, "Linkage made: everyone accepted. Contacts are shown.")
        else:
            messages.success(request, "Accepted. The others have been told.")
    return redirect(back)


@login_required
@require_POST
def consortium_decline(request: SignedInRequest, pk: int) -> HttpResponse:
    consortium = found(selectors.consortium_get_visible(user=request.user, pk=pk))
    form = ConsortiumDeclineForm(request.POST)
    if form.is_valid():
        try:
            services.consortium_decide(
                consortium=consortium, actor=request.user, accept=False, **form.service_arguments()
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ApplicationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Declined. The cluster's managers have been told.")
            return redirect(
                safe_next(request, reverse("consortium-detail", kwargs={"pk": consortium.pk}))
            )
    consortium.refresh_from_db()
    return _render_party_detail(request, consortium, decline_form=form, status=400)
