"""Only buyers verified by staff receive contacts: an unverified buyer's accepted
proposal is a linkage whose contacts stay hidden, and both sides are told why; staff
verifying the buyer shows them (and tells both sides), a lapse or a withdrawal of the
verification hides them again. The SME sees on every proposal whether the buyer is
verified."""

import pytest
from django.urls import reverse

from companies import services as company_services
from companies.models import Organisation
from matching import services
from matching.models import Proposal
from notifications.models import Notification
from tests.worlds import BUYER_SECRETS, SUPPLIER_SECRETS, ProposalWorld, unverify, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def unverified_world(proposal_world: ProposalWorld) -> ProposalWorld:
    unverify(proposal_world.buyer)
    proposal_world.buyer.refresh_from_db()
    return proposal_world


def link(world: ProposalWorld) -> Proposal:
    services.proposal_decide(proposal=world.proposal, actor=world.buyer_user, accept=True)
    services.proposal_decide(proposal=world.proposal, actor=world.supplier_user, accept=True)
    world.proposal.refresh_from_db()
    return world.proposal


def users_of(world: ProposalWorld):
    return {"buyer": world.buyer_user, "supplier": world.supplier_user}


def seen_by(api_as, client, world: ProposalWorld, side: str) -> tuple[dict, str]:
    user = users_of(world)[side]
    body = api_as(user).get(reverse("api:proposal-detail", args=[world.proposal.pk])).json()
    client.force_login(user)
    page = client.get(reverse("proposal-detail", args=[world.proposal.pk])).content.decode()
    return body, page


def secrets_for(side: str) -> tuple[str, ...]:
    return SUPPLIER_SECRETS if side == "buyer" else BUYER_SECRETS


@pytest.mark.parametrize("side", ["buyer", "supplier"])
def test_an_unverified_buyers_linkage_hides_contacts_and_says_why(
    api_as, client, unverified_world, side
):
    # when
    proposal = link(unverified_world)

    # then: the linkage is made ...
    assert proposal.status == Proposal.Status.LINKED
    body, page = seen_by(api_as, client, unverified_world, side)
    # ... but neither side sees the other's contacts, and both read why
    assert body["counterpart"] is None
    assert body["buyer_verified"] is False
    assert body["contacts_withheld"] == "buyer_not_verified"
    assert "have not verified the buyer yet" in body["contacts_withheld_message"]
    assert 'data-contacts-withheld="buyer_not_verified"' in page
    assert "have not verified the buyer yet" in page
    for secret in secrets_for(side):
        assert secret not in page
        assert secret not in str(body)


def test_both_sides_are_told_the_linkage_waits_for_verification(unverified_world):
    link(unverified_world)

    for user in users_of(unverified_world).values():
        [notice] = Notification.objects.filter(user=user, kind="linkage")
        assert "have not verified Hanse Apparel GmbH yet" in notice.body
        assert "Contact details are now shown" not in notice.body


def test_a_verified_buyers_linkage_shows_contacts_at_once(api_as, client, proposal_world):
    link(proposal_world)

    body, page = seen_by(api_as, client, proposal_world, "supplier")

    assert body["contacts_withheld"] is None
    assert body["counterpart"]["organisation"]["legal_name"] == "Hanse Apparel GmbH"
    assert BUYER_SECRETS[0] in page
    [notice] = Notification.objects.filter(user=proposal_world.supplier_user, kind="linkage")
    assert "Contact details are now shown" in notice.body


@pytest.mark.parametrize("side", ["buyer", "supplier"])
def test_staff_verifying_the_buyer_later_shows_contacts_and_tells_both(
    api_as, client, unverified_world, side
):
    link(unverified_world)

    verify(unverified_world.buyer)

    body, page = seen_by(api_as, client, unverified_world, side)
    assert body["contacts_withheld"] is None
    assert body["counterpart"] is not None
    assert secrets_for(side)[0] in page
    [notice] = Notification.objects.filter(
        user=users_of(unverified_world)[side], kind="linkage_contacts_shown"
    )
    assert "verified Hanse Apparel GmbH" in notice.body
    assert notice.url == reverse("proposal-detail", args=[unverified_world.proposal.pk])


@pytest.mark.parametrize("side", ["buyer", "supplier"])
def test_a_lapsed_verification_hides_contacts_again_and_tells_both(
    api_as, client, proposal_world, side
):
    # given: a linkage with contacts shown
    link(proposal_world)

    # when: the buyer changes its legal name, so staff must verify it again
    company_services.organisation_update(
        organisation=proposal_world.buyer,
        actor=proposal_world.buyer_user,
        data={"legal_name": "Hanse Textil Holding GmbH"},
    )

    # then
    body, page = seen_by(api_as, client, proposal_world, side)
    assert body["counterpart"] is None
    assert body["contacts_withheld"] == "buyer_not_verified"
    for secret in secrets_for(side):
        assert secret not in page
    [notice] = Notification.objects.filter(
        user=users_of(proposal_world)[side], kind="linkage_contacts_hidden"
    )
    assert "awaits verification" in notice.body


def test_staff_rejecting_the_buyer_hides_contacts_and_tells_both(proposal_world):
    link(proposal_world)

    verify(proposal_world.buyer, Organisation.Verification.REJECTED)

    from matching.selectors import proposal_counterpart

    proposal = Proposal.objects.select_related("request__buyer").get(pk=proposal_world.proposal.pk)
    assert proposal_counterpart(user=proposal_world.supplier_user, proposal=proposal) is None
    assert Notification.objects.filter(kind="linkage_contacts_hidden").count() == 2


def test_verifying_an_already_verified_buyer_tells_nobody_again(proposal_world):
    link(proposal_world)

    verify(proposal_world.buyer)

    assert not Notification.objects.filter(kind__startswith="linkage_contacts").exists()


def test_a_pending_proposal_is_not_announced_when_the_buyer_is_verified(unverified_world):
    verify(unverified_world.buyer)

    assert not Notification.objects.filter(kind__startswith="linkage_contacts").exists()


# THE SME SEES WHETHER THE BUYER IS VERIFIED
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(("verified", "badge"), [(True, "yes"), (False, "no")])
def test_the_sme_sees_the_buyers_verification_on_every_proposal(
    api_as, client, proposal_world, verified, badge
):
    if not verified:
        unverify(proposal_world.buyer)
    supplier_user = proposal_world.supplier_user
    client.force_login(supplier_user)

    listing = client.get(reverse("proposal-list")).content.decode()
    detail = client.get(
        reverse("proposal-detail", args=[proposal_world.proposal.pk])
    ).content.decode()
    [row] = api_as(supplier_user).get(reverse("api:proposal-list")).json()["results"]
    one = api_as(supplier_user).get(
        reverse("api:proposal-detail", args=[proposal_world.proposal.pk])
    )

    for html in (listing, detail):
        assert f'data-buyer-verified="{badge}"' in html
        assert ("Verified buyer" if verified else "Buyer not verified") in html
    assert row["buyer_verified"] is verified
    assert one.json()["buyer_verified"] is verified


def test_before_a_linkage_the_api_says_contacts_wait_for_both_answers(api_as, proposal_world):
    body = api_as(proposal_world.supplier_user).get(
        reverse("api:proposal-detail", args=[proposal_world.proposal.pk])
    )

    assert body.json()["contacts_withheld"] == "not_linked"
    assert body.json()["counterpart"] is None
