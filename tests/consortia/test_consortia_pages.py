"""Consortium pages and API: who sees what (everyone else: 404), bad input, each step."""

import pytest
from django.urls import reverse

from clusters import services
from consortia.models import Consortium
from tests.factories import BuyerFactory, SupplierFactory, UserFactory
from tests.worlds import add_member, draft, open_request, proposed

pytestmark = pytest.mark.django_db


NOTICE = "never prices"


def manage_url(consortium_world, consortium, action=""):
    name = f"cluster-consortium-{action}" if action else "cluster-consortium-detail"
    return reverse(name, args=[consortium_world.cluster.slug, consortium.pk])


def api_url(consortium_world, consortium, action=""):
    name = f"api:cluster-consortium-{action}" if action else "api:cluster-consortium-detail"
    return reverse(name, args=[consortium_world.cluster.pk, consortium.pk])


def names(consortium):
    return sorted(m.supplier.legal_name for m in consortium.members.all())


# MANAGERS' PAGES
# ------------------------------------------------------------------------------


def test_the_dashboard_links_to_the_consortia(client, consortium_world):
    client.force_login(consortium_world.manager)

    html = client.get(
        reverse("cluster-manage", args=[consortium_world.cluster.slug])
    ).content.decode()

    assert reverse("cluster-consortium-list", args=[consortium_world.cluster.slug]) in html


def test_manager_lists_and_reviews_a_draft_with_its_breakdown_and_the_notice(
    client, consortium_world
):
    consortium = draft(consortium_world)
    client.force_login(consortium_world.manager)

    listing = client.get(reverse("cluster-consortium-list", args=[consortium_world.cluster.slug]))
    detail = client.get(manage_url(consortium_world, consortium))

    assert listing.status_code == 200
    assert detail.status_code == 200
    for html in (listing.content.decode(), detail.content.decode()):
        assert "Knitted cotton T-shirts" in html
        assert NOTICE in html
    html = detail.content.decode()
    assert "Alpha Knit" in html
    assert "Beta Knit" in html
    assert "50,000" in html  # pooled capacity
    assert "meets the volume" in html


def test_manager_edits_in_the_page_and_sees_what_is_missing(client, consortium_world):
    consortium = draft(consortium_world)
    client.force_login(consortium_world.manager)

    response = client.post(
        manage_url(consortium_world, consortium),
        {
            "members": consortium_world.ids("Gamma Knit", "Delta Knit"),
            "lead": consortium_world.firms["Gamma Knit"].pk,
        },
        follow=True,
    )

    assert response.status_code == 200
    consortium.refresh_from_db()
    assert names(consortium) == ["Delta Knit", "Gamma Knit"]
    html = response.content.decode()
    assert "20,000 short of the 45,000 asked" in html


@pytest.mark.parametrize(
    ("members", "lead", "message"),
    [
        (["Alpha Knit"], "", "2 to 5 members"),
        (["Alpha Knit", "Beta Knit", "Gamma Knit", "Delta Knit", "Epsilon", "Zeta"], "", "2 to 5"),
        (["Alpha Knit", "Beta Knit"], "Gamma Knit", "The lead must be one of the members."),
        (["Alpha Knit", "stranger"], "", "Only active members of this cluster"),
        (["Alpha Knit", "Beta Knit"], "abc", "one of the members&#x27; ids"),
    ],
)
def test_bad_edits_in_the_page_show_a_message_and_change_nothing(
    client, consortium_world, other_supplier_user, members, lead, message
):
    for extra in ("Epsilon", "Zeta"):
        add_member(consortium_world, extra, 1_000)
    consortium = draft(consortium_world)
    before = names(consortium)
    ids = [
        other_supplier_user.organisation_id if n == "stranger" else consortium_world.firms[n].pk
        for n in members
    ]
    client.force_login(consortium_world.manager)

    response = client.post(
        manage_url(consortium_world, consortium),
        {
            "members": ids,
            "lead": consortium_world.firms[lead].pk if lead in consortium_world.firms else lead,
        },
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert names(consortium) == before


def test_propose_without_a_lead_is_refused_in_the_page(client, consortium_world):
    consortium = draft(consortium_world)
    client.force_login(consortium_world.manager)

    response = client.post(manage_url(consortium_world, consortium, "propose"))

    assert response.status_code == 400
    assert "Name one member as the lead" in response.content.decode()
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT


def test_manager_proposes_then_withdraws_in_the_pages(client, consortium_world):
    consortium = draft(consortium_world)
    client.force_login(consortium_world.manager)
    client.post(
        manage_url(consortium_world, consortium),
        {
            "members": consortium_world.ids("Alpha Knit", "Beta Knit"),
            "lead": consortium_world.firms["Beta Knit"].pk,
        },
    )

    client.post(manage_url(consortium_world, consortium, "propose"))
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.PROPOSED
    assert consortium.members.get(is_lead=True).supplier == consortium_world.firms["Beta Knit"]

    client.post(manage_url(consortium_world, consortium, "withdraw"), {"note": "Beta is booked."})
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.WITHDRAWN
    assert consortium.status_reason == "Beta is booked."


def test_withdraw_with_an_oversized_note_changes_nothing(client, consortium_world):
    consortium = draft(consortium_world)
    client.force_login(consortium_world.manager)

    client.post(manage_url(consortium_world, consortium, "withdraw"), {"note": "x" * 300})

    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT


def test_another_clusters_manager_gets_404_everywhere(
    client, api_as, consortium_world, other_manager, other_cluster
):
    consortium = draft(consortium_world)
    client.force_login(other_manager)

    pages = [
        client.get(reverse("cluster-consortium-list", args=[consortium_world.cluster.slug])),
        client.get(manage_url(consortium_world, consortium)),
        client.post(
            manage_url(consortium_world, consortium),
            {"members": consortium_world.ids("Alpha Knit", "Beta Knit")},
        ),
        client.post(manage_url(consortium_world, consortium, "propose")),
        client.post(manage_url(consortium_world, consortium, "withdraw")),
        client.get(reverse("consortium-detail", args=[consortium.pk])),
        # their own cluster's address with our consortium's id
        client.get(reverse("cluster-consortium-detail", args=[other_cluster.slug, consortium.pk])),
    ]
    client_api = api_as(other_manager)
    apis = [
        client_api.get(reverse("api:cluster-consortium-list", args=[consortium_world.cluster.pk])),
        client_api.get(api_url(consortium_world, consortium)),
        client_api.patch(api_url(consortium_world, consortium), {"members": []}, format="json"),
        client_api.post(api_url(consortium_world, consortium, "propose")),
        client_api.post(api_url(consortium_world, consortium, "withdraw")),
        client_api.get(reverse("api:consortium-detail", args=[consortium.pk])),
        client_api.get(
            reverse("api:cluster-consortium-detail", args=[other_cluster.pk, consortium.pk])
        ),
    ]

    assert [r.status_code for r in pages] == [404] * len(pages)
    assert [r.status_code for r in apis] == [404] * len(apis)
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT


# BUYER AND MEMBERS
# ------------------------------------------------------------------------------


def test_a_draft_is_hidden_from_the_buyer_and_the_members(client, api_as, consortium_world):
    consortium = draft(consortium_world)

    for user in (consortium_world.buyer_user, consortium_world.users["Alpha Knit"]):
        client.force_login(user)
        assert client.get(reverse("consortium-detail", args=[consortium.pk])).status_code == 404
        response = api_as(user).get(reverse("api:consortium-detail", args=[consortium.pk]))
        assert response.status_code == 404
    client.force_login(consortium_world.buyer_user)
    html = client.get(
        reverse("request-detail", args=[consortium_world.request.pk])
    ).content.decode()
    assert "Proposed consortia" not in html


def test_the_buyer_sees_it_among_the_proposals_and_accepts_in_the_page(client, consortium_world):
    consortium = proposed(consortium_world)
    client.force_login(consortium_world.buyer_user)

    html = client.get(
        reverse("request-detail", args=[consortium_world.request.pk])
    ).content.decode()
    assert "Proposed consortia" in html
    assert "Alpha Knit" in html
    assert "50,000" in html
    assert NOTICE in html
    assert reverse("consortium-accept", args=[consortium.pk]) in html

    client.post(reverse("consortium-accept", args=[consortium.pk]))
    consortium.refresh_from_db()
    assert consortium.buyer_decision == "accepted"


def test_a_member_sees_it_in_my_proposals_and_declines_with_a_reason(client, consortium_world):
    consortium = proposed(consortium_world)
    client.force_login(consortium_world.users["Beta Knit"])

    html = client.get(reverse("proposal-list")).content.decode()
    assert "Consortia you are part of" in html
    assert reverse("consortium-detail", args=[consortium.pk]) in html

    no_reason = client.post(reverse("consortium-decline", args=[consortium.pk]), {"reason": ""})
    assert no_reason.status_code == 400
    assert "Say why you decline" in no_reason.content.decode()
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.PROPOSED

    client.post(reverse("consortium-decline", args=[consortium.pk]), {"reason": "capacity"})
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.RETURNED


def test_the_buyer_of_another_request_and_outsiders_get_404(client, api_as, consortium_world):
    consortium = proposed(consortium_world)
    other_buyer_user = UserFactory(organisation=BuyerFactory())
    open_request(other_buyer_user)
    outsider = consortium_world.users["Gamma Knit"]  # in the cluster, not in the consortium

    for user in (other_buyer_user, outsider):
        client.force_login(user)
        assert client.get(reverse("consortium-detail", args=[consortium.pk])).status_code == 404
        assert client.post(reverse("consortium-accept", args=[consortium.pk])).status_code == 404
        for response in (
            api_as(user).get(reverse("api:consortium-detail", args=[consortium.pk])),
            api_as(user).post(reverse("api:consortium-accept", args=[consortium.pk])),
            api_as(user).post(
                reverse("api:consortium-decline", args=[consortium.pk]), {"reason": "other"}
            ),
        ):
            assert response.status_code == 404
    response = api_as(other_buyer_user).get(
        reverse("api:request-consortium-list", args=[consortium_world.request.pk])
    )
    assert response.status_code == 404
    consortium.refresh_from_db()
    assert consortium.buyer_decision == "pending"


def test_a_confidential_request_shows_only_to_the_consortiums_members_and_managers(
    client, consortium_world, other_manager, other_cluster
):
    consortium_world.request = open_request(consortium_world.buyer_user, visibility="confidential")
    consortium = proposed(consortium_world)
    url = reverse("request-detail", args=[consortium_world.request.pk])

    def status(user):
        client.force_login(user)
        return client.get(url).status_code

    assert status(consortium_world.users["Alpha Knit"]) == 200
    assert status(consortium_world.manager) == 200
    assert (
        status(consortium_world.users["Gamma Knit"]) == 404
    )  # in the cluster, not in the consortium
    assert status(other_manager) == 404
    assert status(UserFactory(organisation=SupplierFactory())) == 404
    assert consortium.status == Consortium.Status.PROPOSED


def test_a_removed_member_cannot_answer_in_the_api(api_as, consortium_world):
    consortium = proposed(consortium_world)
    services.membership_remove(
        membership=consortium_world.memberships["Beta Knit"], actor=consortium_world.manager
    )

    response = api_as(consortium_world.users["Beta Knit"]).post(
        reverse("api:consortium-accept", args=[consortium.pk])
    )

    assert response.status_code == 403
    assert (
        consortium.members.get(supplier=consortium_world.firms["Beta Knit"]).decision == "pending"
    )


# API
# ------------------------------------------------------------------------------


def test_manager_edits_proposes_and_withdraws_in_the_api(api_as, consortium_world):
    consortium = draft(consortium_world)
    client = api_as(consortium_world.manager)

    listing = client.get(
        reverse("api:cluster-consortium-list", args=[consortium_world.cluster.pk])
    ).json()
    assert listing["results"][0]["id"] == consortium.pk
    assert listing["results"][0]["breakdown"]["pooled_capacity"] == 50_000

    edited = client.patch(
        api_url(consortium_world, consortium),
        {
            "members": consortium_world.ids("Alpha Knit", "Gamma Knit"),
            "lead": consortium_world.firms["Alpha Knit"].pk,
        },
        format="json",
    )
    assert edited.status_code == 200
    assert edited.json()["breakdown"]["pooled_capacity"] == 45_000
    assert [m["is_lead"] for m in edited.json()["members"]].count(True) == 1

    proposed_ = client.post(api_url(consortium_world, consortium, "propose"))
    assert proposed_.status_code == 200
    assert proposed_.json()["status"] == "proposed"

    withdrawn = client.post(
        api_url(consortium_world, consortium, "withdraw"), {"note": "No."}, format="json"
    )
    assert withdrawn.json()["status"] == "withdrawn"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "members"),
        ({"members": "1,2"}, "members"),
        ({"members": ["x", "y"]}, "members"),
        ({"members": list(range(1, 60))}, "members"),
        ({"members": "six", "lead": "z"}, "lead"),
    ],
)
def test_malformed_api_edits_are_400_and_change_nothing(api_as, consortium_world, payload, field):
    consortium = draft(consortium_world)
    before = names(consortium)

    response = api_as(consortium_world.manager).patch(
        api_url(consortium_world, consortium), payload, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert names(consortium) == before


def test_api_refuses_six_members_a_stranger_and_a_lead_outside(
    api_as, consortium_world, other_supplier_user
):
    for extra in ("Epsilon", "Zeta"):
        add_member(consortium_world, extra, 1_000)
    consortium = draft(consortium_world)
    client = api_as(consortium_world.manager)

    six = client.patch(
        api_url(consortium_world, consortium),
        {"members": consortium_world.ids(*consortium_world.firms)},
        format="json",
    )
    stranger = client.patch(
        api_url(consortium_world, consortium),
        {"members": [consortium_world.firms["Alpha Knit"].pk, other_supplier_user.organisation_id]},
        format="json",
    )
    lead = client.patch(
        api_url(consortium_world, consortium),
        {
            "members": consortium_world.ids("Alpha Knit", "Beta Knit"),
            "lead": consortium_world.firms["Gamma Knit"].pk,
        },
        format="json",
    )
    no_lead = client.post(api_url(consortium_world, consortium, "propose"))

    assert six.status_code == stranger.status_code == lead.status_code == no_lead.status_code == 400
    assert "2 to 5" in six.json()["errors"]["members"][0]
    assert "Only active members" in stranger.json()["errors"]["members"][0]
    assert lead.json()["errors"]["lead"] == ["The lead must be one of the members."]
    assert "lead" in no_lead.json()["errors"]
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT


def test_buyer_and_members_answer_in_the_api_until_linked(api_as, consortium_world):
    consortium = proposed(consortium_world)
    listed = api_as(consortium_world.buyer_user).get(
        reverse("api:request-consortium-list", args=[consortium_world.request.pk])
    )
    assert [c["id"] for c in listed.json()["results"]] == [consortium.pk]
    assert listed.json()["results"][0]["can_decide"] is True

    for user in (
        consortium_world.buyer_user,
        consortium_world.users["Alpha Knit"],
        consortium_world.users["Beta Knit"],
    ):
        response = api_as(user).post(reverse("api:consortium-accept", args=[consortium.pk]))
        assert response.status_code == 200

    assert response.json()["status"] == "linked"
    again = api_as(consortium_world.buyer_user).post(
        reverse("api:consortium-accept", args=[consortium.pk])
    )
    assert again.status_code == 400


def test_api_decline_needs_a_known_reason(api_as, consortium_world):
    consortium = proposed(consortium_world)

    response = api_as(consortium_world.users["Alpha Knit"]).post(
        reverse("api:consortium-decline", args=[consortium.pk]),
        {"reason": "cheaper elsewhere"},
        format="json",
    )

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_staff_read_consortia_in_the_admin(client, consortium_world, staff_user):
    consortium = proposed(consortium_world)
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)

    listing = client.get(reverse("admin:consortia_consortium_changelist"))
    detail = client.get(reverse("admin:consortia_consortium_change", args=[consortium.pk]))

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert "Alpha Knit" in detail.content.decode()


def test_a_member_that_left_shows_on_the_returned_consortium_for_the_manager(
    client, consortium_world
):
    consortium = proposed(consortium_world)
    services.membership_leave(
        membership=consortium_world.memberships["Beta Knit"],
        actor=consortium_world.users["Beta Knit"],
    )
    client.force_login(consortium_world.manager)

    html = client.get(manage_url(consortium_world, consortium)).content.decode()

    assert "Returned to the managers" in html
    assert "Beta Knit is no longer an active member: replace it." in html
    assert "Beta Knit (no longer active)" in html
