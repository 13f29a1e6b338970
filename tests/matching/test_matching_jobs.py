"""The matcher run against the database: proposals, re-runs, near-misses, full runs."""

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from companies import services as company_services
from companies.models import Organisation
from matching import services, tasks
from matching.models import MatchRun, NearMiss, Proposal, ScoringWeights
from matching.services.proposals import WITHDRAWN_REASON
from notifications.models import Notification
from tests.factories import (
    CertificationFactory,
    ContactPersonFactory,
    ProductLineFactory,
    SourcingRequestFactory,
    SupplierFactory,
    UserFactory,
)
from tests.worlds import verify

pytestmark = pytest.mark.django_db


def knitter(name: str, country: str = "VN", capacity: int = 50_000, **fields):
    org = SupplierFactory(
        legal_name=name,
        country=country,
        description="Cotton T-shirts and polo shirts, knitted and dyed in our own mill.",
        verification=Organisation.Verification.VERIFIED,
        **fields,
    )
    org.hs_codes.set(["610910"])
    ProductLineFactory(organisation=org, hs_code_id="610910", monthly_capacity=capacity)
    UserFactory(organisation=org)
    return org


@pytest.fixture
def suppliers(db):
    orgs = [knitter(f"Knit {i}") for i in range(3)]
    CertificationFactory(organisation=orgs[0], scheme_id="oeko-tex")
    surgical = SupplierFactory(
        legal_name="Sialkot Surgical",
        country="PK",
        description="Stainless steel surgical forceps and scissors.",
    )
    surgical.hs_codes.set(["901890"])
    return orgs + [surgical]


def open_request(buyer_user, capture, **fields):
    """An open request, with the match job its opening queues run."""
    data = {
        "title": "Cotton T-shirts, knitted",
        "description": "Plain knitted cotton tees for our spring line.",
        "volume_per_month": 10_000,
        "unit": "pieces",
        **fields,
    }
    with capture(execute=True):
        request = SourcingRequestFactory(created_by=buyer_user, **data)
    request.refresh_from_db()
    return request


def test_opening_a_request_proposes_explained_suppliers(
    buyer_user, suppliers, django_capture_on_commit_callbacks
):
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    proposals = list(Proposal.objects.filter(request=request).order_by("rank"))
    assert {p.supplier.legal_name for p in proposals} == {"Knit 0", "Knit 1", "Knit 2"}
    top = proposals[0]
    assert set(top.breakdown) == {"text", "chars", "hs", "isic", "bridge"}
    assert top.breakdown["hs"] == 1.0
    assert any(line.startswith("Makes HS 610910") for line in top.explanation)
    assert top.engine_version.startswith("i")
    assert top.status == Proposal.Status.PENDING


def test_rerunning_keeps_decisions_and_notifies_once(
    buyer_user, suppliers, django_capture_on_commit_callbacks
):
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(request=request, supplier=suppliers[0])
    supplier_user = suppliers[0].users.first()
    services.proposal_decide(proposal=proposal, actor=supplier_user, accept=True)
    notices = Notification.objects.count()
    proposals = Proposal.objects.count()

    tasks.match_request_task(request.pk)
    tasks.match_request_task(request.pk)

    proposal.refresh_from_db()
    assert proposal.supplier_decision == Proposal.Decision.ACCEPTED
    assert Proposal.objects.count() == proposals
    assert Notification.objects.count() == notices


def test_a_supplier_failing_a_constraint_is_a_near_miss_with_its_reason(
    buyer_user, suppliers, django_capture_on_commit_callbacks
):
    request = open_request(
        buyer_user, django_capture_on_commit_callbacks, required_certifications=["oeko-tex"]
    )
    assert list(
        Proposal.objects.filter(request=request).values_list("supplier__legal_name", flat=True)
    ) == ["Knit 0"]
    near = NearMiss.objects.get(request=request, supplier=suppliers[1])
    assert near.reasons == ["lacks OEKO-TEX"]
    assert near.missing_certifications == ["oeko-tex"]


def test_pending_proposals_that_fall_out_are_withdrawn_and_acted_ones_kept(
    buyer_user, suppliers, django_capture_on_commit_callbacks
):
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    acted = Proposal.objects.get(request=request, supplier=suppliers[1])
    services.proposal_decide(proposal=acted, actor=buyer_user, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_update(
            request=request,
            actor=buyer_user,
            data={"required_certifications": ["oeko-tex"]},
        )
    statuses = dict(
        Proposal.objects.filter(request=request).values_list("supplier__legal_name", "status")
    )
    assert statuses == {"Knit 0": "pending", "Knit 1": "pending", "Knit 2": "withdrawn"}
    assert Proposal.objects.get(supplier=suppliers[2]).status_reason == WITHDRAWN_REASON


def test_closing_a_request_closes_its_pending_proposals(
    buyer_user, suppliers, django_capture_on_commit_callbacks
):
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    services.request_close(request=request, actor=buyer_user)
    tasks.match_request_task(request.pk)
    assert set(Proposal.objects.filter(request=request).values_list("status", flat=True)) == {
        "closed"
    }


def test_a_new_supplier_is_matched_to_open_requests_on_commit(
    buyer_user, suppliers, django_capture_on_commit_callbacks
):
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    newcomer = knitter("Newcomer Knits", capacity=1000)
    owner = newcomer.users.first()
    with django_capture_on_commit_callbacks(execute=True):
        company_services.product_line_update(
            line=newcomer.product_lines.first(), actor=owner, data={"monthly_capacity": 20_000}
        )
    proposal = Proposal.objects.get(request=request, supplier=newcomer)
    assert proposal.status == Proposal.Status.PENDING
    assert Notification.objects.filter(user=owner, kind="proposal_new").count() == 1


def test_double_opt_in_makes_a_linkage_and_decline_closes_for_both(
    buyer_user, suppliers, django_capture_on_commit_callbacks
):
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    first, second = (Proposal.objects.get(request=request, supplier=s) for s in suppliers[:2])
    services.proposal_decide(proposal=first, actor=buyer_user, accept=True)
    first = services.proposal_decide(proposal=first, actor=suppliers[0].users.first(), accept=True)
    assert first.status == Proposal.Status.LINKED

    second = services.proposal_decide(
        proposal=second, actor=buyer_user, accept=False, reason="capacity"
    )
    assert second.status == Proposal.Status.DECLINED
    with pytest.raises(ValidationError):
        services.proposal_decide(proposal=second, actor=suppliers[1].users.first(), accept=True)


def test_decline_needs_a_reason_and_outsiders_cannot_decide(
    buyer_user, suppliers, other_supplier_user, django_capture_on_commit_callbacks
):
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.filter(request=request).first()
    with pytest.raises(ValidationError) as exc:
        services.proposal_decide(proposal=proposal, actor=buyer_user, accept=False)
    assert "reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.proposal_decide(proposal=proposal, actor=other_supplier_user, accept=True)
    proposal.refresh_from_db()
    assert proposal.buyer_decision == Proposal.Decision.PENDING


def test_counterpart_contacts_appear_only_on_a_linkage(
    buyer_user, suppliers, django_capture_on_commit_callbacks
):
    from matching.selectors import proposal_counterpart

    ContactPersonFactory(organisation=suppliers[0], email="sales@knit0.example")
    verify(buyer_user.organisation)
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get(request=request, supplier=suppliers[0])
    services.proposal_decide(proposal=proposal, actor=buyer_user, accept=True)
    assert proposal_counterpart(user=buyer_user, proposal=proposal) is None
    proposal = services.proposal_decide(
        proposal=proposal, actor=suppliers[0].users.first(), accept=True
    )
    counterpart = proposal_counterpart(user=buyer_user, proposal=proposal)
    assert [c.email for c in counterpart.contacts] == ["sales@knit0.example"]


def test_invite_from_search_is_a_proposal_the_buyer_accepted(
    buyer_user, suppliers, django_capture_on_commit_callbacks
):
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    surgical = suppliers[3]
    assert not Proposal.objects.filter(request=request, supplier=surgical).exists()
    proposal = services.proposal_invite_from_search(
        request=request, supplier=surgical, actor=buyer_user
    )
    assert proposal.origin == Proposal.Origin.INVITATION
    assert proposal.buyer_decision == Proposal.Decision.ACCEPTED
    assert set(proposal.breakdown) == {"text", "chars", "hs", "isic", "bridge"}
    with pytest.raises(ValidationError):
        services.proposal_invite_from_search(request=request, supplier=surgical, actor=buyer_user)


def test_full_run_in_shards_equals_matching_each_request(
    buyer_user, staff_user, suppliers, django_capture_on_commit_callbacks, settings
):
    settings.MATCH_SHARDS = 3
    for i in range(12):
        knitter(f"Extra {i}", country=random.Random(i).choice(["VN", "TH"]))
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    single = dict(Proposal.objects.filter(request=request).values_list("supplier_id", "score"))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_start(actor=staff_user, trigger="staff")
    run.refresh_from_db()
    assert run.status == MatchRun.Status.SUCCEEDED
    assert (run.shards_done, run.shards_total) == (3, 3)
    assert run.requests_matched == 1
    pending = Proposal.objects.filter(request=request, status=Proposal.Status.PENDING)
    assert dict(pending.values_list("supplier_id", "score")) == single


def test_only_staff_start_runs(buyer_user):
    with pytest.raises(PermissionDenied):
        services.match_run_start(actor=buyer_user)


def test_learning_weights_keeps_them_only_when_they_rank_better(
    buyer_user, suppliers, django_capture_on_commit_callbacks
):
    rng = random.Random(5)
    assert services.weights_learn() is None  # fewer than 200 decisions
    request = open_request(buyer_user, django_capture_on_commit_callbacks)
    for _ in range(240):
        factors = {f: rng.random() for f in ("text", "chars", "hs", "isic", "bridge")}
        Proposal.objects.create(
            request=request,
            supplier=SupplierFactory(),
            breakdown=factors,
            buyer_decision="accepted" if factors["bridge"] > 0.5 else "declined",
        )
    weights = services.weights_learn()
    assert weights.decisions_used >= 240
    assert weights.adopted == (weights.holdout_ndcg > weights.previous_ndcg)
    assert ScoringWeights.objects.count() == 1


def test_a_run_that_breaks_ends_failed_with_its_error(staff_user, monkeypatch):
    run = MatchRun.objects.create(started_by=staff_user)

    def broken(**kwargs):
        raise ValueError("index storage is read-only")

    monkeypatch.setattr(services, "match_run_prepare", broken)
    with pytest.raises(ValueError, match="read-only"):
        tasks.run_full_match_task(run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert "index storage is read-only" in run.error


def test_a_failed_shard_marks_the_run_failed(staff_user):
    run = MatchRun.objects.create(started_by=staff_user, status=MatchRun.Status.RUNNING)
    tasks.mark_match_run_failed_task(None, RuntimeError("worker lost"), None, run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == (MatchRun.Status.FAILED, "RuntimeError: worker lost")
