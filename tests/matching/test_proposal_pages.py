"""Proposal pages: the supplier's proposals and near-misses, the buyer's ranked proposals
on the request page, deciding, and inviting a supplier from search."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from companies.models import Organisation
from matching import services
from matching.models import NearMiss, Proposal
from notifications.models import Notification
from tests.factories import (
    BuyerFactory,
    CertificationFactory,
    ProductLineFactory,
    SupplierFactory,
    UserFactory,
)
from tests.worlds import open_request_for, propose

pytestmark = pytest.mark.django_db


def page_of(client, user, url, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# THE SUPPLIER'S PROPOSALS
# ------------------------------------------------------------------------------


def test_my_proposals_lists_request_buyer_score_status_and_my_decision(client, proposal_world):
    page = page_of(client, proposal_world.supplier_user, reverse("proposal-list"))

    assert "My proposals" in page
    assert proposal_world.request.title in page
    assert "Hanse Apparel GmbH" in page
    assert "82%" in page
    assert "Awaiting decisions" in page
    assert reverse("proposal-detail", args=[proposal_world.proposal.pk]) in page


def test_my_proposals_leaves_out_other_suppliers_proposals(
    client, proposal_world, other_supplier_user
):
    other = propose(
        open_request_for(proposal_world.buyer_user, "Polo shirts"), other_supplier_user.organisation
    )

    page = page_of(client, proposal_world.supplier_user, reverse("proposal-list"))

    assert "Polo shirts" not in page
    assert reverse("proposal-detail", args=[other.pk]) not in page


def test_my_proposals_filters_by_status(client, proposal_world):
    services.proposal_decide(
        proposal=proposal_world.proposal,
        actor=proposal_world.supplier_user,
        accept=False,
        reason="timing",
    )

    pending = page_of(
        client, proposal_world.supplier_user, reverse("proposal-list"), status="pending"
    )
    declined = page_of(
        client, proposal_world.supplier_user, reverse("proposal-list"), status="declined"
    )

    assert proposal_world.request.title not in pending
    assert proposal_world.request.title in declined


def test_my_proposals_needs_a_login(client, proposal_world):
    response = client.get(reverse("proposal-list"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_proposal_page_shows_request_explanation_and_labelled_factor_bars(client, proposal_world):
    page = page_of(
        client,
        proposal_world.supplier_user,
        reverse("proposal-detail", args=[proposal_world.proposal.pk]),
    )

    assert "Plain knitted cotton tees" in page  # the request's summary
    assert "10,000 pieces a month" in page
    assert "Makes HS 610910 T-shirts" in page
    for label in ("words in common", "similar wording", "HS products", "ISIC activities"):
        assert label in page
    assert 'value="1.000"' in page  # the HS factor's bar is full
    assert page.count("<meter") == 5


def test_proposal_page_offers_accept_and_decline_with_reasons(client, proposal_world):
    page = page_of(
        client,
        proposal_world.supplier_user,
        reverse("proposal-detail", args=[proposal_world.proposal.pk]),
    )

    assert reverse("proposal-accept", args=[proposal_world.proposal.pk]) in page
    assert reverse("proposal-decline", args=[proposal_world.proposal.pk]) in page
    assert "Capacity or volume does not fit" in page


@pytest.mark.parametrize("who", ["other_supplier_user", "other_buyer_user"])
def test_another_organisations_proposal_page_is_404(client, proposal_world, who, request):
    if who == "other_buyer_user":
        user = UserFactory(organisation=BuyerFactory())
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.get(reverse("proposal-detail", args=[proposal_world.proposal.pk]))

    assert response.status_code == 404


def test_unknown_proposal_page_is_404(client, proposal_world):
    client.force_login(proposal_world.supplier_user)

    assert client.get(reverse("proposal-detail", args=[999_999])).status_code == 404


# DECIDING ON THE PAGE
# ------------------------------------------------------------------------------


def test_supplier_accepts_and_the_buyer_is_told(client, proposal_world):
    client.force_login(proposal_world.supplier_user)

    response = client.post(reverse("proposal-accept", args=[proposal_world.proposal.pk]))

    assert response.status_code == 302
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.supplier_decision == Proposal.Decision.ACCEPTED
    assert proposal_world.proposal.supplier_decided_by == proposal_world.supplier_user
    assert Notification.objects.filter(
        user=proposal_world.buyer_user, kind="proposal_accepted"
    ).exists()


def test_accepting_twice_is_refused_and_changes_nothing(client, proposal_world):
    client.force_login(proposal_world.supplier_user)
    client.post(reverse("proposal-accept", args=[proposal_world.proposal.pk]))
    proposal_world.proposal.refresh_from_db()
    decided_at = proposal_world.proposal.supplier_decided_at
    notices = Notification.objects.count()

    response = client.post(
        reverse("proposal-accept", args=[proposal_world.proposal.pk]), follow=True
    )

    assert "already answered" in response.content.decode()
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.supplier_decided_at == decided_at
    assert Notification.objects.count() == notices


def test_decline_without_a_reason_is_a_field_error_and_writes_nothing(client, proposal_world):
    client.force_login(proposal_world.supplier_user)

    response = client.post(
        reverse("proposal-decline", args=[proposal_world.proposal.pk]), {"reason": "", "note": "no"}
    )

    assert response.status_code == 200
    assert "Say why you decline" in response.content.decode()
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.status == Proposal.Status.PENDING
    assert proposal_world.proposal.supplier_decision == Proposal.Decision.PENDING
    assert proposal_world.proposal.supplier_note == ""
    assert not Notification.objects.filter(user=proposal_world.buyer_user).exists()


def test_decline_with_an_unknown_reason_is_a_field_error(client, proposal_world):
    client.force_login(proposal_world.supplier_user)

    response = client.post(
        reverse("proposal-decline", args=[proposal_world.proposal.pk]), {"reason": "bored"}
    )

    assert "Say why you decline" in response.content.decode()
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.supplier_decision == Proposal.Decision.PENDING


def test_decline_with_reason_and_note_closes_the_proposal(client, proposal_world):
    client.force_login(proposal_world.supplier_user)

    response = client.post(
        reverse("proposal-decline", args=[proposal_world.proposal.pk]),
        {"reason": "capacity", "note": "Our lines are full until March."},
    )

    assert response.status_code == 302
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.status == Proposal.Status.DECLINED
    assert proposal_world.proposal.supplier_reason == "capacity"
    assert proposal_world.proposal.supplier_note == "Our lines are full until March."


def test_another_supplier_cannot_decide_a_proposal(client, proposal_world, other_supplier_user):
    client.force_login(other_supplier_user)

    response = client.post(reverse("proposal-accept", args=[proposal_world.proposal.pk]))

    assert response.status_code == 404
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.supplier_decision == Proposal.Decision.PENDING


def test_accepting_from_the_request_page_returns_to_it(client, proposal_world):
    client.force_login(proposal_world.buyer_user)
    back = reverse("request-detail", args=[proposal_world.request.pk])

    response = client.post(
        reverse("proposal-accept", args=[proposal_world.proposal.pk]), {"next": back}
    )

    assert response["Location"] == back
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.buyer_decision == Proposal.Decision.ACCEPTED


def test_accept_does_not_redirect_to_another_site(client, proposal_world):
    client.force_login(proposal_world.buyer_user)

    response = client.post(
        reverse("proposal-accept", args=[proposal_world.proposal.pk]),
        {"next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("proposal-detail", args=[proposal_world.proposal.pk])


# NEAR-MISSES FOR THE SUPPLIER
# ------------------------------------------------------------------------------


def test_near_miss_page_says_what_the_supplier_lacks(client, proposal_world):
    request = open_request_for(proposal_world.buyer_user, "Surgical scrubs")
    NearMiss.objects.create(
        request=request,
        supplier=proposal_world.supplier,
        score=0.7,
        reasons=["lacks ISO 13485"],
        missing_certifications=["iso-13485"],
    )

    page = page_of(client, proposal_world.supplier_user, reverse("near-miss-list"))

    assert "Surgical scrubs" in page
    assert "lacks ISO 13485" in page
    assert "Hanse Apparel GmbH" in page


def test_near_miss_page_leaves_out_other_suppliers_near_misses(
    client, proposal_world, other_supplier_user
):
    request = open_request_for(proposal_world.buyer_user, "Surgical scrubs")
    NearMiss.objects.create(
        request=request, supplier=other_supplier_user.organisation, reasons=["lacks GOTS"]
    )

    page = page_of(client, proposal_world.supplier_user, reverse("near-miss-list"))

    assert "Surgical scrubs" not in page
    assert "lacks GOTS" not in page


def test_near_miss_page_is_for_suppliers(client, proposal_world):
    client.force_login(proposal_world.buyer_user)

    assert client.get(reverse("near-miss-list")).status_code == 403


def test_near_miss_page_comes_from_a_real_match(
    client, proposal_world, django_capture_on_commit_callbacks
):
    knit = SupplierFactory(
        legal_name="Tiruppur Knit",
        country="IN",
        description="Cotton T-shirts, knitted in our own mill.",
        verification=Organisation.Verification.VERIFIED,
    )
    knit.hs_codes.set(["610910"])
    ProductLineFactory(organisation=knit, hs_code_id="610910", monthly_capacity=50_000)
    knit_user = UserFactory(organisation=knit)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_create(
            actor=proposal_world.buyer_user,
            title="Organic tees",
            description="Knitted cotton T-shirts.",
            hs_codes=["6109"],
            required_certifications=["gots"],
            deadline=timezone.now() + timedelta(days=20),
        )
        services.request_open(request=request, actor=proposal_world.buyer_user)

    page = page_of(client, knit_user, reverse("near-miss-list"))

    assert "Organic tees" in page
    assert "lacks GOTS" in page


# THE BUYER'S REQUEST PAGE
# ------------------------------------------------------------------------------


def test_request_page_ranks_proposals_with_explanation_breakdown_and_buttons(
    client, proposal_world
):
    runner_up = SupplierFactory(legal_name="Hanoi Garments")
    second = propose(proposal_world.request, runner_up, score=0.41)

    page = page_of(
        client,
        proposal_world.buyer_user,
        reverse("request-detail", args=[proposal_world.request.pk]),
    )

    assert page.index("Saigon Knitwear Co.") < page.index("Hanoi Garments")
    assert "82%" in page
    assert "41%" in page
    assert "Makes HS 610910 T-shirts" in page
    assert "products that make the activity" in page
    assert reverse("proposal-accept", args=[second.pk]) in page
    assert reverse("proposal-decline", args=[second.pk]) in page


def test_request_page_shows_both_decisions(client, proposal_world):
    services.proposal_decide(
        proposal=proposal_world.proposal,
        actor=proposal_world.supplier_user,
        accept=False,
        reason="price",
        note="Below our cost.",
    )

    page = page_of(
        client,
        proposal_world.buyer_user,
        reverse("request-detail", args=[proposal_world.request.pk]),
    )

    assert "Price expectations" in page
    assert "Below our cost." in page
    assert reverse("proposal-accept", args=[proposal_world.proposal.pk]) not in page


def test_request_page_lists_near_misses_with_reasons(client, proposal_world):
    near = SupplierFactory(legal_name="Phnom Penh Knits", country="KH")
    NearMiss.objects.create(
        request=proposal_world.request,
        supplier=near,
        score=0.6,
        reasons=["capacity 2,000 < 10,000"],
    )

    page = page_of(
        client,
        proposal_world.buyer_user,
        reverse("request-detail", args=[proposal_world.request.pk]),
    )

    assert "Phnom Penh Knits" in page
    assert "capacity 2,000 &lt; 10,000" in page


def test_request_page_hides_proposals_from_another_buyer(client, proposal_world):
    rival = UserFactory(organisation=BuyerFactory(legal_name="Rival Retail"))

    page = page_of(client, rival, reverse("request-detail", args=[proposal_world.request.pk]))

    assert "Saigon Knitwear Co." not in page
    assert "Proposed suppliers" not in page


def test_request_page_points_the_proposed_supplier_to_its_proposal(client, proposal_world):
    page = page_of(
        client,
        proposal_world.supplier_user,
        reverse("request-detail", args=[proposal_world.request.pk]),
    )

    assert reverse("proposal-detail", args=[proposal_world.proposal.pk]) in page
    assert "Proposed suppliers" not in page


def test_request_page_shows_proposals_the_matcher_made(
    client, buyer_user, django_capture_on_commit_callbacks
):
    for name in ("Knit A", "Knit B"):
        org = SupplierFactory(
            legal_name=name, description="Cotton T-shirts, knitted and dyed in our own mill."
        )
        org.hs_codes.set(["610910"])
        ProductLineFactory(organisation=org, hs_code_id="610910", monthly_capacity=50_000)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_create(
            actor=buyer_user,
            title="Tees",
            hs_codes=["6109"],
            deadline=timezone.now() + timedelta(days=20),
        )
        services.request_open(request=request, actor=buyer_user)

    page = page_of(client, buyer_user, reverse("request-detail", args=[request.pk]))

    assert "Knit A" in page
    assert "Knit B" in page
    assert "Makes HS 610910" in page


# INVITING FROM SUPPLIER SEARCH
# ------------------------------------------------------------------------------


@pytest.fixture
def searchable(proposal_world, rebuild_search_index):
    proposal_world.supplier.description = (
        "Organic cotton T-shirts, knitted and dyed in our own mill."
    )
    proposal_world.supplier.save()
    proposal_world.supplier.hs_codes.set(["610910"])
    ProductLineFactory(
        organisation=proposal_world.supplier, hs_code_id="610910", monthly_capacity=50_000
    )
    CertificationFactory(organisation=proposal_world.supplier, scheme_id="gots")
    rebuild_search_index()
    return proposal_world


def test_search_results_offer_to_invite_to_the_buyers_open_requests(client, searchable):
    w = searchable
    draft = services.request_create(
        actor=w.buyer_user, title="Draft hoodies", deadline=timezone.now() + timedelta(days=9)
    )
    rival = UserFactory(organisation=BuyerFactory())
    open_request_for(rival, "Rival's socks")

    page = page_of(client, w.buyer_user, reverse("supplier-search"), q="cotton t-shirts")

    assert "Invite to request…" in page
    assert f'<option value="{w.request.pk}">{w.request.title}</option>' in page
    assert draft.title not in page
    assert "Rival&#x27;s socks" not in page
    assert "Rival's socks" not in page


def test_inviting_from_search_makes_a_buyer_accepted_proposal_and_tells_the_supplier(
    client, searchable
):
    w = searchable
    request = open_request_for(w.buyer_user, "Organic tees")
    client.force_login(w.buyer_user)

    response = client.post(
        reverse("proposal-invite"), {"request": request.pk, "supplier": w.supplier.pk}
    )

    proposal = Proposal.objects.get(request=request, supplier=w.supplier)
    assert response["Location"] == reverse("proposal-detail", args=[proposal.pk])
    assert proposal.origin == Proposal.Origin.INVITATION
    assert proposal.buyer_decision == Proposal.Decision.ACCEPTED
    assert proposal.supplier_decision == Proposal.Decision.PENDING
    assert proposal.score > 0  # scored by the engine, as if it had proposed
    notice = Notification.objects.get(user=w.supplier_user, kind="proposal_invitation")
    assert notice.url == reverse("proposal-detail", args=[proposal.pk])


def test_inviting_to_another_buyers_request_writes_nothing(client, searchable):
    w = searchable
    rival = UserFactory(organisation=BuyerFactory())
    rivals_request = open_request_for(rival, "Rival's socks")
    client.force_login(w.buyer_user)

    response = client.post(
        reverse("proposal-invite"), {"request": rivals_request.pk, "supplier": w.supplier.pk}
    )

    assert response.status_code == 302
    assert not Proposal.objects.filter(request=rivals_request).exists()


def test_inviting_a_buyer_instead_of_a_supplier_writes_nothing(client, searchable):
    w = searchable
    request = open_request_for(w.buyer_user, "Organic tees")
    other_buyer = BuyerFactory()
    client.force_login(w.buyer_user)

    response = client.post(
        reverse("proposal-invite"), {"request": request.pk, "supplier": other_buyer.pk}, follow=True
    )

    assert "Only SME suppliers can be invited." in response.content.decode()
    assert not Proposal.objects.filter(request=request).exists()


def test_inviting_twice_is_refused(client, searchable):
    w = searchable
    request = open_request_for(w.buyer_user, "Organic tees")
    client.force_login(w.buyer_user)
    data = {"request": request.pk, "supplier": w.supplier.pk}
    client.post(reverse("proposal-invite"), data)

    response = client.post(reverse("proposal-invite"), data, follow=True)

    assert "already invited" in response.content.decode()
    assert Proposal.objects.filter(request=request).count() == 1
    assert (
        Notification.objects.filter(user=w.supplier_user, kind="proposal_invitation").count() == 1
    )


def test_a_supplier_cannot_invite(client, searchable, other_supplier_user):
    w = searchable
    client.force_login(other_supplier_user)

    client.post(reverse("proposal-invite"), {"request": w.request.pk, "supplier": w.supplier.pk})

    w.proposal.refresh_from_db()
    assert w.proposal.buyer_decision == Proposal.Decision.PENDING
