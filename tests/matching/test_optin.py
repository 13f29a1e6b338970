"""Double opt-in: neither side's contacts show anywhere until both have accepted.

Every route that shows a proposal or its request is checked, for both sides,
before any decision, after one side's acceptance, and after the linkage.
"""

import pytest
from django.urls import reverse

from companies.models import User
from matching import services
from matching.models import Proposal
from tests.worlds import BUYER_SECRETS, SUPPLIER_SECRETS, ProposalWorld

pytestmark = pytest.mark.django_db


def accept(proposal_world: ProposalWorld, *sides: str) -> None:
    for side in sides:
        actor = proposal_world.buyer_user if side == "buyer" else proposal_world.supplier_user
        services.proposal_decide(proposal=proposal_world.proposal, actor=actor, accept=True)
    proposal_world.proposal.refresh_from_db()


def viewer_and_secrets(proposal_world: ProposalWorld, side: str) -> tuple[User, tuple[str, ...]]:
    """The user of one side, and the other side's contact details it must not see early."""
    if side == "buyer":
        return proposal_world.buyer_user, SUPPLIER_SECRETS
    return proposal_world.supplier_user, BUYER_SECRETS


PAGE_ROUTES = {
    "proposal detail page": lambda w: reverse("proposal-detail", args=[w.proposal.pk]),
    "proposal list page": lambda w: reverse("proposal-list"),
    "request detail page": lambda w: reverse("request-detail", args=[w.request.pk]),
    "request list page": lambda w: reverse("request-list"),
}
API_ROUTES = {
    "proposal detail API": lambda w: reverse("api:proposal-detail", args=[w.proposal.pk]),
    "proposal list API": lambda w: reverse("api:proposal-list"),
    "proposal list API for the request": lambda w: (
        reverse("api:proposal-list") + f"?request={w.request.pk}"
    ),
    "request detail API": lambda w: reverse("api:request-detail", args=[w.request.pk]),
    "request list API": lambda w: reverse("api:request-list"),
}
BEFORE_LINKAGE = {
    "no decision": (),
    "buyer accepted": ("buyer",),
    "supplier accepted": ("supplier",),
}


def fetch_page(client, user: User, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def fetch_api(api_as, user: User, url: str) -> str:
    response = api_as(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


# BEFORE THE LINKAGE: NOTHING, ANYWHERE
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("state", BEFORE_LINKAGE)
@pytest.mark.parametrize("side", ["buyer", "supplier"])
@pytest.mark.parametrize("route", PAGE_ROUTES)
def test_pages_hide_the_other_sides_contacts_before_linkage(
    client, proposal_world, state, side, route
):
    accept(proposal_world, *BEFORE_LINKAGE[state])
    user, secrets = viewer_and_secrets(proposal_world, side)

    page = fetch_page(client, user, PAGE_ROUTES[route](proposal_world))

    for secret in secrets:
        assert secret not in page


@pytest.mark.parametrize("state", BEFORE_LINKAGE)
@pytest.mark.parametrize("side", ["buyer", "supplier"])
@pytest.mark.parametrize("route", API_ROUTES)
def test_api_hides_the_other_sides_contacts_before_linkage(
    api_as, proposal_world, state, side, route
):
    accept(proposal_world, *BEFORE_LINKAGE[state])
    user, secrets = viewer_and_secrets(proposal_world, side)

    body = fetch_api(api_as, user, API_ROUTES[route](proposal_world))

    for secret in secrets:
        assert secret not in body


@pytest.mark.parametrize("side", ["buyer", "supplier"])
def test_api_detail_has_no_counterpart_before_linkage(api_as, proposal_world, side):
    accept(proposal_world, side)
    user, _ = viewer_and_secrets(proposal_world, side)

    data = (
        api_as(user).get(reverse("api:proposal-detail", args=[proposal_world.proposal.pk])).json()
    )

    assert data["counterpart"] is None


# THE LINKAGE: BOTH SIDES SEE EACH OTHER ON THE PROPOSAL
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["buyer", "supplier"])
def test_linkage_shows_the_other_sides_contacts_on_the_proposal_page(client, proposal_world, side):
    accept(proposal_world, "buyer", "supplier")
    user, secrets = viewer_and_secrets(proposal_world, side)

    page = fetch_page(client, user, reverse("proposal-detail", args=[proposal_world.proposal.pk]))

    for secret in secrets:
        assert secret in page


@pytest.mark.parametrize("side", ["buyer", "supplier"])
def test_linkage_shows_the_other_sides_contacts_in_the_proposal_api(api_as, proposal_world, side):
    accept(proposal_world, "supplier", "buyer")
    user, secrets = viewer_and_secrets(proposal_world, side)

    data = (
        api_as(user).get(reverse("api:proposal-detail", args=[proposal_world.proposal.pk])).json()
    )

    counterpart = data["counterpart"]
    assert [c["email"] for c in counterpart["contacts"]] == [secrets[0]]
    assert [c["phone"] for c in counterpart["contacts"]] == [secrets[1]]
    assert [u["email"] for u in counterpart["users"]] == [secrets[2]]


def test_linkage_shows_the_suppliers_contacts_on_the_buyers_request_page(client, proposal_world):
    accept(proposal_world, "buyer", "supplier")

    page = fetch_page(
        client,
        proposal_world.buyer_user,
        reverse("request-detail", args=[proposal_world.request.pk]),
    )

    for secret in SUPPLIER_SECRETS:
        assert secret in page


@pytest.mark.parametrize("side", ["buyer", "supplier"])
def test_linkage_shows_a_side_only_the_other_sides_contacts_not_its_own_twice(
    client, proposal_world, side
):
    accept(proposal_world, "buyer", "supplier")
    user, _ = viewer_and_secrets(proposal_world, side)
    own = BUYER_SECRETS if side == "buyer" else SUPPLIER_SECRETS

    page = fetch_page(client, user, reverse("proposal-detail", args=[proposal_world.proposal.pk]))

    assert own[0] not in page  # its own contact person is not offered as the other side's


@pytest.mark.parametrize("side", ["buyer", "supplier"])
@pytest.mark.parametrize(
    "route", ["proposal list page", "proposal list API", "request detail API", "request list API"]
)
def test_lists_and_request_routes_never_carry_contacts_even_after_linkage(
    client, api_as, proposal_world, side, route
):
    accept(proposal_world, "buyer", "supplier")
    user, secrets = viewer_and_secrets(proposal_world, side)

    if route in PAGE_ROUTES:
        body = fetch_page(client, user, PAGE_ROUTES[route](proposal_world))
    else:
        body = fetch_api(api_as, user, API_ROUTES[route](proposal_world))

    for secret in secrets:
        assert secret not in body


def test_staff_see_a_linkage_but_not_its_contacts(client, api_as, proposal_world, staff_user):
    accept(proposal_world, "buyer", "supplier")

    page = fetch_page(
        client, staff_user, reverse("proposal-detail", args=[proposal_world.proposal.pk])
    )
    data = (
        api_as(staff_user)
        .get(reverse("api:proposal-detail", args=[proposal_world.proposal.pk]))
        .json()
    )

    for secret in BUYER_SECRETS + SUPPLIER_SECRETS:
        assert secret not in page
    assert data["counterpart"] is None


def test_a_linkage_is_404_to_another_supplier(client, api_as, proposal_world, other_supplier_user):
    accept(proposal_world, "buyer", "supplier")
    client.force_login(other_supplier_user)

    page = client.get(reverse("proposal-detail", args=[proposal_world.proposal.pk]))
    api = api_as(other_supplier_user).get(
        reverse("api:proposal-detail", args=[proposal_world.proposal.pk])
    )

    assert (page.status_code, api.status_code) == (404, 404)


# DECLINED BY EITHER SIDE: CLOSED FOR BOTH
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("decliner", ["buyer", "supplier"])
def test_a_decline_closes_the_proposal_for_the_other_side(client, proposal_world, decliner):
    actor, _ = viewer_and_secrets(proposal_world, decliner)
    services.proposal_decide(
        proposal=proposal_world.proposal, actor=actor, accept=False, reason="capacity", note=""
    )
    other, _ = viewer_and_secrets(proposal_world, "supplier" if decliner == "buyer" else "buyer")

    page = fetch_page(client, other, reverse("proposal-detail", args=[proposal_world.proposal.pk]))

    assert "Declined" in page
    assert reverse("proposal-accept", args=[proposal_world.proposal.pk]) not in page
    assert reverse("proposal-decline", args=[proposal_world.proposal.pk]) not in page


@pytest.mark.parametrize("decliner", ["buyer", "supplier"])
def test_after_a_decline_the_other_side_cannot_accept_in_the_api(api_as, proposal_world, decliner):
    actor, _ = viewer_and_secrets(proposal_world, decliner)
    services.proposal_decide(
        proposal=proposal_world.proposal, actor=actor, accept=False, reason="timing"
    )
    other, _ = viewer_and_secrets(proposal_world, "supplier" if decliner == "buyer" else "buyer")

    response = api_as(other).post(reverse("api:proposal-accept", args=[proposal_world.proposal.pk]))

    assert response.status_code == 400
    assert "proposal" in response.json()["errors"]
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.status == Proposal.Status.DECLINED


def test_a_declined_proposal_never_reveals_contacts(client, api_as, proposal_world):
    accept(proposal_world, "buyer")
    services.proposal_decide(
        proposal=proposal_world.proposal,
        actor=proposal_world.supplier_user,
        accept=False,
        reason="price",
    )

    page = fetch_page(
        client,
        proposal_world.buyer_user,
        reverse("proposal-detail", args=[proposal_world.proposal.pk]),
    )
    data = (
        api_as(proposal_world.buyer_user)
        .get(reverse("api:proposal-detail", args=[proposal_world.proposal.pk]))
        .json()
    )

    for secret in SUPPLIER_SECRETS:
        assert secret not in page
    assert data["counterpart"] is None
