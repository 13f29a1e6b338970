"""An account that has not confirmed its e-mail address may draft, browse and fill in
its profile, but not open requests, answer proposals, invite suppliers or see contacts:
the API answers 403 ``email_not_confirmed`` and the pages say how to confirm."""

import pytest
from django.urls import reverse

from matching.models import Proposal, SourcingRequest
from notifications.models import Notification
from tests.factories import SourcingRequestFactory, SupplierFactory, UserFactory
from tests.worlds import BUYER_SECRETS, SUPPLIER_SECRETS, ProposalWorld

pytestmark = pytest.mark.django_db

CODE = "email_not_confirmed"


def unconfirmed_colleague(of) -> object:
    return UserFactory(organisation=of, unconfirmed=True)


def assert_refused(response) -> None:
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == CODE
    assert "Confirm your e-mail address first" in body["message"]


def decisions(proposal: Proposal) -> tuple[str, str, str]:
    proposal.refresh_from_db()
    return proposal.status, proposal.buyer_decision, proposal.supplier_decision


def test_api_opening_a_request_is_403_and_it_stays_a_draft(api_as, buyer):
    user = UserFactory(organisation=buyer, unconfirmed=True)
    draft = SourcingRequestFactory(created_by=user, opened=False)

    response = api_as(user).post(reverse("api:request-open", args=[draft.pk]))

    assert_refused(response)
    draft.refresh_from_db()
    assert draft.status == SourcingRequest.Status.DRAFT


def test_drafting_a_request_is_allowed_unconfirmed(buyer):
    user = UserFactory(organisation=buyer, unconfirmed=True)

    draft = SourcingRequestFactory(created_by=user, opened=False)

    assert draft.status == SourcingRequest.Status.DRAFT


def test_page_opening_a_request_says_how_to_confirm_and_changes_nothing(client, buyer):
    user = UserFactory(organisation=buyer, unconfirmed=True)
    draft = SourcingRequestFactory(created_by=user, opened=False)
    client.force_login(user)

    response = client.post(reverse("request-open", args=[draft.pk]), follow=True)

    assert "Confirm your e-mail address first" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == SourcingRequest.Status.DRAFT


@pytest.mark.parametrize("side", ["buyer", "supplier"])
@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_api_answering_a_proposal_is_403_and_writes_nothing(
    api_as, proposal_world: ProposalWorld, side, answer
):
    user = unconfirmed_colleague(getattr(proposal_world, side))
    before = decisions(proposal_world.proposal)

    response = api_as(user).post(
        reverse(f"api:proposal-{answer}", args=[proposal_world.proposal.pk]),
        # Only a decline takes a reason; accepting takes no body at all.
        {"reason": "price"} if answer == "decline" else {},
        format="json",
    )

    assert_refused(response)
    assert decisions(proposal_world.proposal) == before
    assert not Notification.objects.filter(kind__startswith="proposal_").exists()


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_page_answering_a_proposal_says_how_to_confirm_and_writes_nothing(
    client, proposal_world: ProposalWorld, answer
):
    user = unconfirmed_colleague(proposal_world.supplier)
    client.force_login(user)
    before = decisions(proposal_world.proposal)

    response = client.post(
        reverse(f"proposal-{answer}", args=[proposal_world.proposal.pk]),
        {"reason": "price"},
        follow=True,
    )

    assert response.status_code in (200, 403)
    assert "Confirm your e-mail address first" in response.content.decode()
    assert decisions(proposal_world.proposal) == before


def test_api_inviting_a_supplier_is_403_and_makes_no_proposal(api_as, proposal_world):
    user = unconfirmed_colleague(proposal_world.buyer)
    other = SupplierFactory(legal_name="Hue Knit")

    response = api_as(user).post(
        reverse("api:request-invitation", args=[proposal_world.request.pk]),
        {"supplier_id": other.pk},
        format="json",
    )

    assert_refused(response)
    assert not Proposal.objects.filter(supplier=other).exists()


@pytest.mark.parametrize("side", ["buyer", "supplier"])
def test_an_unconfirmed_colleague_sees_no_contacts_of_a_linkage(
    api_as, client, proposal_world: ProposalWorld, side
):
    # given: a linkage made by both sides' confirmed users, with a verified buyer
    from matching import services

    services.proposal_decide(
        proposal=proposal_world.proposal, actor=proposal_world.buyer_user, accept=True
    )
    services.proposal_decide(
        proposal=proposal_world.proposal, actor=proposal_world.supplier_user, accept=True
    )
    user = unconfirmed_colleague(getattr(proposal_world, side))
    secrets = SUPPLIER_SECRETS if side == "buyer" else BUYER_SECRETS

    # when
    body = api_as(user).get(reverse("api:proposal-detail", args=[proposal_world.proposal.pk]))
    client.force_login(user)
    page = client.get(reverse("proposal-detail", args=[proposal_world.proposal.pk])).content

    # then
    data = body.json()
    assert data["status"] == "linked"
    assert data["counterpart"] is None
    assert data["contacts_withheld"] == CODE
    html = page.decode()
    assert "Confirm your e-mail address to see the other side" in html
    for secret in secrets:
        assert secret not in html
        assert secret not in body.content.decode()
