"""The proposals API: lists and details scoped to my side, decisions, near-misses,
and a buyer's invitations."""

import pytest
from django.urls import reverse

from matching import services
from matching.models import NearMiss, Proposal
from notifications.models import Notification
from tests.factories import BuyerFactory, ProductLineFactory, SupplierFactory, UserFactory
from tests.worlds import open_request_for, propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_buyer_user(db):
    return UserFactory(organisation=BuyerFactory(legal_name="Rival Retail"))


def detail_url(proposal: Proposal) -> str:
    return reverse("api:proposal-detail", args=[proposal.pk])


def ids_of(response) -> list[int]:
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


# LIST AND DETAIL
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["buyer_user", "supplier_user"])
def test_list_holds_the_proposals_of_my_side(api_as, proposal_world, side):
    response = api_as(getattr(proposal_world, side)).get(reverse("api:proposal-list"))

    assert ids_of(response) == [proposal_world.proposal.pk]


@pytest.mark.parametrize("who", ["other_supplier_user", "other_buyer_user"])
def test_list_leaves_out_another_organisations_proposals(api_as, proposal_world, who, request):
    response = api_as(request.getfixturevalue(who)).get(reverse("api:proposal-list"))

    assert ids_of(response) == []


@pytest.mark.parametrize("who", ["other_supplier_user", "other_buyer_user"])
def test_detail_of_another_organisations_proposal_is_404(api_as, proposal_world, who, request):
    response = api_as(request.getfixturevalue(who)).get(detail_url(proposal_world.proposal))

    assert response.status_code == 404


def test_list_filters_by_request(api_as, proposal_world):
    other_request = open_request_for(proposal_world.buyer_user, "Polo shirts")
    propose(other_request, SupplierFactory())

    response = api_as(proposal_world.buyer_user).get(
        reverse("api:proposal-list"), {"request": proposal_world.request.pk}
    )

    assert ids_of(response) == [proposal_world.proposal.pk]


def test_list_filters_by_status(api_as, proposal_world):
    services.proposal_decide(
        proposal=proposal_world.proposal,
        actor=proposal_world.supplier_user,
        accept=False,
        reason="timing",
    )
    client = api_as(proposal_world.supplier_user)

    assert ids_of(client.get(reverse("api:proposal-list"), {"status": "pending"})) == []
    assert ids_of(client.get(reverse("api:proposal-list"), {"status": "declined"})) == [
        proposal_world.proposal.pk
    ]


def test_list_with_an_unknown_status_is_a_field_error(api_as, proposal_world):
    response = api_as(proposal_world.supplier_user).get(
        reverse("api:proposal-list"), {"status": "lost"}
    )

    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_list_needs_a_login(api_client, proposal_world):
    assert api_client.get(reverse("api:proposal-list")).status_code == 401


def test_detail_explains_the_score_per_factor(api_as, proposal_world):
    data = api_as(proposal_world.supplier_user).get(detail_url(proposal_world.proposal)).json()

    assert data["score"] == pytest.approx(0.82)
    assert data["explanation"] == ["Makes HS 610910 T-shirts, singlets and other vests, knitted"]
    assert {f["factor"]: f["label"] for f in data["factors"]}["hs"] == "HS products"
    assert data["breakdown"]["hs"] == 1.0
    assert data["request"]["title"] == proposal_world.request.title
    assert data["request"]["buyer"]["legal_name"] == "Hanse Apparel GmbH"
    assert (data["my_side"], data["can_decide"]) == ("supplier", True)


def test_unknown_proposal_is_404(api_as, proposal_world):
    response = api_as(proposal_world.buyer_user).get(reverse("api:proposal-detail", args=[999_999]))

    assert response.status_code == 404


# DECISIONS
# ------------------------------------------------------------------------------


def test_accept_records_my_sides_decision(api_as, proposal_world):
    response = api_as(proposal_world.buyer_user).post(
        reverse("api:proposal-accept", args=[proposal_world.proposal.pk])
    )

    assert response.status_code == 200
    assert response.json()["buyer_decision"] == "accepted"
    assert response.json()["can_decide"] is False
    assert response.json()["counterpart"] is None


def test_accept_twice_is_refused(api_as, proposal_world):
    client = api_as(proposal_world.buyer_user)
    client.post(reverse("api:proposal-accept", args=[proposal_world.proposal.pk]))
    proposal_world.proposal.refresh_from_db()
    decided_at = proposal_world.proposal.buyer_decided_at

    response = client.post(reverse("api:proposal-accept", args=[proposal_world.proposal.pk]))

    assert response.status_code == 400
    assert "already answered" in response.json()["errors"]["proposal"][0]
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.buyer_decided_at == decided_at


def test_both_accepting_makes_a_linkage_with_the_counterpart(api_as, proposal_world):
    api_as(proposal_world.buyer_user).post(
        reverse("api:proposal-accept", args=[proposal_world.proposal.pk])
    )

    response = api_as(proposal_world.supplier_user).post(
        reverse("api:proposal-accept", args=[proposal_world.proposal.pk])
    )

    assert response.json()["status"] == "linked"
    assert response.json()["counterpart"]["organisation"]["legal_name"] == "Hanse Apparel GmbH"
    assert Notification.objects.filter(user=proposal_world.buyer_user, kind="linkage").exists()


def test_decline_without_a_reason_is_a_field_error_and_writes_nothing(api_as, proposal_world):
    response = api_as(proposal_world.supplier_user).post(
        reverse("api:proposal-decline", args=[proposal_world.proposal.pk]),
        {"note": "no"},
        format="json",
    )

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.status == Proposal.Status.PENDING
    assert (proposal_world.proposal.supplier_decision, proposal_world.proposal.supplier_note) == (
        "pending",
        "",
    )
    assert not Notification.objects.filter(user=proposal_world.buyer_user).exists()


def test_decline_with_an_unknown_reason_is_a_field_error(api_as, proposal_world):
    response = api_as(proposal_world.supplier_user).post(
        reverse("api:proposal-decline", args=[proposal_world.proposal.pk]),
        {"reason": "bored"},
        format="json",
    )

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.supplier_decision == Proposal.Decision.PENDING


def test_decline_with_a_too_long_note_is_a_field_error(api_as, proposal_world):
    response = api_as(proposal_world.supplier_user).post(
        reverse("api:proposal-decline", args=[proposal_world.proposal.pk]),
        {"reason": "other", "note": "x" * 2001},
        format="json",
    )

    assert response.status_code == 400
    assert "note" in response.json()["errors"]


def test_decline_with_a_reason_closes_the_proposal_for_both(api_as, proposal_world):
    response = api_as(proposal_world.supplier_user).post(
        reverse("api:proposal-decline", args=[proposal_world.proposal.pk]),
        {"reason": "capacity", "note": "Full until March."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert response.json()["supplier_reason"] == "capacity"
    buyer_view = api_as(proposal_world.buyer_user).get(detail_url(proposal_world.proposal)).json()
    assert buyer_view["can_decide"] is False


def test_deciding_another_organisations_proposal_is_404(
    api_as, proposal_world, other_supplier_user
):
    client = api_as(other_supplier_user)

    accept = client.post(reverse("api:proposal-accept", args=[proposal_world.proposal.pk]))
    decline = client.post(
        reverse("api:proposal-decline", args=[proposal_world.proposal.pk]), {"reason": "other"}
    )

    assert (accept.status_code, decline.status_code) == (404, 404)
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.supplier_decision == Proposal.Decision.PENDING


def test_staff_may_read_but_not_decide(api_as, proposal_world, staff_user):
    response = api_as(staff_user).post(
        reverse("api:proposal-accept", args=[proposal_world.proposal.pk])
    )

    assert response.status_code == 403
    proposal_world.proposal.refresh_from_db()
    assert proposal_world.proposal.buyer_decision == Proposal.Decision.PENDING


# NEAR-MISSES
# ------------------------------------------------------------------------------


@pytest.fixture
def near_miss(proposal_world):
    return NearMiss.objects.create(
        request=proposal_world.request,
        supplier=SupplierFactory(legal_name="Phnom Penh Knits"),
        score=0.6,
        reasons=["lacks OEKO-TEX"],
        missing_certifications=["oeko-tex"],
    )


def test_buyer_sees_the_near_misses_of_its_request(api_as, proposal_world, near_miss):
    response = api_as(proposal_world.buyer_user).get(
        reverse("api:request-near-miss-list", args=[proposal_world.request.pk])
    )

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["supplier"]["legal_name"] == "Phnom Penh Knits"
    assert row["reasons"] == ["lacks OEKO-TEX"]
    assert row["missing_certifications"] == ["oeko-tex"]


@pytest.mark.parametrize("who", ["other_buyer_user", "supplier_user"])
def test_near_misses_of_a_request_are_404_outside_its_buyer(
    api_as, proposal_world, near_miss, who, request
):
    user = proposal_world.supplier_user if who == "supplier_user" else request.getfixturevalue(who)

    response = api_as(user).get(
        reverse("api:request-near-miss-list", args=[proposal_world.request.pk])
    )

    assert response.status_code == 404


def test_supplier_sees_its_own_near_misses(api_as, proposal_world, near_miss):
    own = NearMiss.objects.create(
        request=open_request_for(proposal_world.buyer_user, "Surgical scrubs"),
        supplier=proposal_world.supplier,
        reasons=["lacks ISO 13485"],
    )

    response = api_as(proposal_world.supplier_user).get(reverse("api:near-miss-list"))

    assert ids_of(response) == [own.pk]
    assert response.json()["results"][0]["request"]["title"] == "Surgical scrubs"


def test_near_miss_list_is_for_suppliers(api_as, proposal_world):
    response = api_as(proposal_world.buyer_user).get(reverse("api:near-miss-list"))

    assert response.status_code == 403


# INVITATIONS
# ------------------------------------------------------------------------------


@pytest.fixture
def invitee(proposal_world, rebuild_search_index):
    supplier = SupplierFactory(
        legal_name="Tiruppur Knit", description="Cotton T-shirts, knitted in our own mill."
    )
    supplier.hs_codes.set(["610910"])
    ProductLineFactory(organisation=supplier, hs_code_id="610910")
    user = UserFactory(organisation=supplier)
    rebuild_search_index()
    return user


def invite(api_as, user, request_pk, data):
    return api_as(user).post(
        reverse("api:request-invitation", args=[request_pk]), data, format="json"
    )


def test_invitation_makes_a_buyer_accepted_proposal_and_tells_the_supplier(
    api_as, proposal_world, invitee
):
    response = invite(
        api_as,
        proposal_world.buyer_user,
        proposal_world.request.pk,
        {"supplier_id": invitee.organisation_id},
    )

    assert response.status_code == 201
    data = response.json()
    assert (data["origin"], data["buyer_decision"], data["supplier_decision"]) == (
        "invitation",
        "accepted",
        "pending",
    )
    assert data["counterpart"] is None
    assert Notification.objects.filter(user=invitee, kind="proposal_invitation").count() == 1


@pytest.mark.parametrize("supplier_id", [999_999, "buyer", None])
def test_invitation_of_an_unknown_or_non_supplier_is_a_field_error(
    api_as, proposal_world, invitee, supplier_id
):
    if supplier_id == "buyer":
        supplier_id = BuyerFactory().pk
    data = {} if supplier_id is None else {"supplier_id": supplier_id}

    response = invite(api_as, proposal_world.buyer_user, proposal_world.request.pk, data)

    assert response.status_code == 400
    assert "supplier_id" in response.json()["errors"]
    assert Proposal.objects.filter(request=proposal_world.request).count() == 1


def test_invitation_to_another_buyers_request_is_404(
    api_as, proposal_world, invitee, other_buyer_user
):
    response = invite(
        api_as,
        other_buyer_user,
        proposal_world.request.pk,
        {"supplier_id": invitee.organisation_id},
    )

    assert response.status_code == 404
    assert not Proposal.objects.filter(supplier=invitee.organisation).exists()


def test_invitation_to_a_closed_request_is_refused(api_as, proposal_world, invitee):
    services.request_close(request=proposal_world.request, actor=proposal_world.buyer_user)

    response = invite(
        api_as,
        proposal_world.buyer_user,
        proposal_world.request.pk,
        {"supplier_id": invitee.organisation_id},
    )

    assert response.status_code == 400
    assert "request" in response.json()["errors"]
    assert not Proposal.objects.filter(supplier=invitee.organisation).exists()


def test_invitation_by_a_supplier_is_404(api_as, proposal_world, invitee):
    response = invite(
        api_as,
        proposal_world.supplier_user,
        proposal_world.request.pk,
        {"supplier_id": invitee.organisation_id},
    )

    assert response.status_code == 404
