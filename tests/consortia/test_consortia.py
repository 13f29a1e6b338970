"""Consortia drafted by the matcher, edited and proposed by managers, answered by all."""

import pytest
from django.core.exceptions import PermissionDenied

from clusters import services
from consortia import services as consortia_services
from consortia.models import Consortium
from matching.services import match_one_request
from notifications.models import Notification
from sme_platform.errors import ApplicationError
from tests.consortia.consortium_world import add_member, build_world, draft, proposed

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(manager, cluster, rebuild_search_index):
    return build_world(manager, cluster, rebuild_search_index)


def names(consortium: Consortium) -> list[str]:
    return sorted(m.supplier.legal_name for m in consortium.members.all())


# THE MATCHER'S DRAFT
# ------------------------------------------------------------------------------


def test_the_match_job_drafts_the_fewest_members_whose_pooled_capacity_meets_the_volume(world):
    # when the request is matched
    match_one_request(request_id=world.request.pk)

    # then one draft: the two largest firms (30,000 + 20,000 >= 45,000), not three smaller
    consortium = Consortium.objects.get(request=world.request)
    assert consortium.status == Consortium.Status.DRAFT
    assert names(consortium) == ["Alpha Knit", "Beta Knit"]
    assert consortium.breakdown["pooled_capacity"] == 50_000
    assert consortium.breakdown["meets"] is True
    assert consortium.engine_version
    assert {m.capacity_pledged for m in consortium.members.all()} == {30_000, 20_000}
    assert all(m.score > 0 for m in consortium.members.all())
    # and the manager is told once
    assert Notification.objects.filter(user=world.manager, kind="consortium_draft").count() == 1


def test_re_running_updates_the_draft_and_tells_the_managers_once(world):
    first = draft(world)
    add_member(world, "Epsilon Knit", 25_000)  # now Alpha + Epsilon also make 55,000

    again = draft(world)

    assert again.pk == first.pk
    assert Consortium.objects.filter(request=world.request).count() == 1
    assert Notification.objects.filter(user=world.manager, kind="consortium_draft").count() == 1


def test_re_running_never_overwrites_a_draft_a_manager_edited(world):
    consortium = draft(world)
    consortia_services.consortium_update(
        consortium=consortium,
        actor=world.manager,
        members=world.ids("Alpha Knit", "Gamma Knit"),
        lead=world.firms["Gamma Knit"].pk,
    )

    assert consortia_services.consortia_propose_for_request(request=world.request) == []

    consortium.refresh_from_db()
    assert names(consortium) == ["Alpha Knit", "Gamma Knit"]
    assert consortium.members.get(is_lead=True).supplier.legal_name == "Gamma Knit"


def test_a_suspended_member_is_never_proposed(world):
    services.membership_suspend(membership=world.memberships["Alpha Knit"], actor=world.manager)

    consortium = draft(world)

    # without Alpha: Beta + Gamma + Delta make 45,000
    assert names(consortium) == ["Beta Knit", "Delta Knit", "Gamma Knit"]


def test_a_removed_or_departed_member_is_never_proposed(world):
    services.membership_remove(membership=world.memberships["Alpha Knit"], actor=world.manager)
    services.membership_leave(
        membership=world.memberships["Beta Knit"], actor=world.users["Beta Knit"]
    )

    # Gamma + Delta make only 25,000
    assert consortia_services.consortia_propose_for_request(request=world.request) == []


def test_no_draft_when_one_member_meets_the_volume_alone(manager, cluster, rebuild_search_index):
    world = build_world(manager, cluster, rebuild_search_index, volume=25_000)

    assert consortia_services.consortia_propose_for_request(request=world.request) == []


def test_no_draft_when_the_request_refuses_consortia(manager, cluster, rebuild_search_index):
    world = build_world(manager, cluster, rebuild_search_index, allow_consortium=False)

    assert consortia_services.consortia_propose_for_request(request=world.request) == []


def test_no_draft_when_no_member_holds_the_required_certification(
    manager, cluster, rebuild_search_index
):
    world = build_world(manager, cluster, rebuild_search_index, certifications=["oeko-tex"])

    assert consortia_services.consortia_propose_for_request(request=world.request) == []


def test_a_draft_that_no_longer_meets_the_request_is_withdrawn_by_the_matcher(world):
    consortium = draft(world)
    services.membership_suspend(membership=world.memberships["Alpha Knit"], actor=world.manager)
    services.membership_suspend(membership=world.memberships["Beta Knit"], actor=world.manager)

    consortia_services.consortia_propose_for_request(request=world.request)

    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.WITHDRAWN


def test_closing_the_request_closes_its_consortia(world):
    from matching import services as matching_services

    consortium = proposed(world)

    matching_services.request_close(request=world.request, actor=world.buyer_user)

    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.CLOSED


# MANAGERS
# ------------------------------------------------------------------------------


def test_manager_edits_and_the_figures_show_what_is_missing(world):
    consortium = draft(world)

    consortium = consortia_services.consortium_update(
        consortium=consortium,
        actor=world.manager,
        members=world.ids("Gamma Knit", "Delta Knit"),
        lead=None,
    )

    assert names(consortium) == ["Delta Knit", "Gamma Knit"]
    assert consortium.breakdown["pooled_capacity"] == 25_000
    assert consortium.breakdown["shortfall"] == 20_000
    assert consortium.breakdown["meets"] is False
    with pytest.raises(ApplicationError) as caught:
        consortia_services.consortium_propose(consortium=consortium, actor=world.manager)
    assert set(caught.value.extra) == {"members", "lead"}
    assert "short of" in caught.value.extra["members"][0]
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT


def test_propose_needs_a_lead(world):
    consortium = draft(world)

    with pytest.raises(ApplicationError) as caught:
        consortia_services.consortium_propose(consortium=consortium, actor=world.manager)

    assert caught.value.extra == {"lead": ["Name one member as the lead before proposing."]}
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT


def test_propose_tells_the_buyer_and_every_member(world):
    consortium = proposed(world)

    assert consortium.status == Consortium.Status.PROPOSED
    assert consortium.proposed_by == world.manager
    for user in (world.buyer_user, world.users["Alpha Knit"], world.users["Beta Knit"]):
        assert Notification.objects.filter(user=user, kind="consortium_proposed").exists()
    assert not Notification.objects.filter(
        user=world.users["Gamma Knit"], kind="consortium_proposed"
    ).exists()


@pytest.mark.parametrize(
    ("members", "lead", "field", "message"),
    [
        (["Alpha Knit"], None, "members", "2 to 5 members"),
        (
            ["Alpha Knit", "Beta Knit", "Gamma Knit", "Delta Knit", "Epsilon", "Zeta"],
            None,
            "members",
            "2 to 5 members",
        ),
        (["Alpha Knit", "Beta Knit"], "Gamma Knit", "lead", "The lead must be one of the members."),
        (["Alpha Knit", "stranger"], None, "members", "Only active members of this cluster"),
        (["Alpha Knit", "Beta Knit"], "not-a-number", "lead", "one of the members' ids"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(
    world, other_supplier_user, members, lead, field, message
):
    for extra in ("Epsilon", "Zeta"):
        add_member(world, extra, 1_000)
    consortium = draft(world)
    before = names(consortium)
    ids = [
        other_supplier_user.organisation_id if n == "stranger" else world.firms[n].pk
        for n in members
    ]
    lead_id = world.firms[lead].pk if lead in world.firms else lead

    with pytest.raises(ApplicationError) as caught:
        consortia_services.consortium_update(
            consortium=consortium, actor=world.manager, members=ids, lead=lead_id
        )

    assert message in " ".join(caught.value.extra[field])
    assert names(consortium) == before


def test_a_member_of_another_cluster_cannot_be_added(world, other_cluster, other_manager):
    consortium = draft(world)
    from tests.factories import SupplierFactory, UserFactory

    firm = SupplierFactory(legal_name="Sialkot Steel")
    user = UserFactory(organisation=firm)
    membership = services.membership_apply(cluster=other_cluster, actor=user)
    services.membership_approve(membership=membership, actor=other_manager)

    with pytest.raises(ApplicationError) as caught:
        consortia_services.consortium_update(
            consortium=consortium,
            actor=world.manager,
            members=[world.firms["Alpha Knit"].pk, firm.pk],
        )
    assert "members" in caught.value.extra


def test_only_the_clusters_managers_edit_propose_or_withdraw(world, other_manager):
    consortium = draft(world)

    for call in (
        lambda: consortia_services.consortium_update(
            consortium=consortium, actor=other_manager, members=world.ids("Alpha Knit", "Beta Knit")
        ),
        lambda: consortia_services.consortium_propose(consortium=consortium, actor=other_manager),
        lambda: consortia_services.consortium_withdraw(
            consortium=consortium, actor=world.buyer_user
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_withdraw_tells_those_who_saw_it(world):
    consortium = proposed(world)

    consortium = consortia_services.consortium_withdraw(
        consortium=consortium, actor=world.manager, note="Alpha is fully booked."
    )

    assert consortium.status == Consortium.Status.WITHDRAWN
    assert Notification.objects.filter(user=world.buyer_user, kind="consortium_withdrawn").exists()
    # a withdrawn consortium is not re-drafted by the matcher
    assert consortia_services.consortia_propose_for_request(request=world.request) == []


# THE BUYER AND EVERY MEMBER
# ------------------------------------------------------------------------------


def test_linked_only_when_the_buyer_and_every_member_accepted(world):
    consortium = proposed(world)

    consortia_services.consortium_decide(consortium=consortium, actor=world.buyer_user, accept=True)
    consortium = consortia_services.consortium_decide(
        consortium=consortium, actor=world.users["Alpha Knit"], accept=True
    )
    assert consortium.status == Consortium.Status.PROPOSED

    consortium = consortia_services.consortium_decide(
        consortium=consortium, actor=world.users["Beta Knit"], accept=True
    )
    assert consortium.status == Consortium.Status.LINKED
    for user in (world.buyer_user, world.manager, world.users["Alpha Knit"]):
        assert Notification.objects.filter(user=user, kind="consortium_linkage").exists()


def test_a_member_declining_returns_it_to_the_manager(world):
    consortium = proposed(world)
    consortia_services.consortium_decide(consortium=consortium, actor=world.buyer_user, accept=True)

    consortium = consortia_services.consortium_decide(
        consortium=consortium, actor=world.users["Beta Knit"], accept=False, reason="capacity"
    )

    assert consortium.status == Consortium.Status.RETURNED
    assert "Beta Knit declined" in consortium.status_reason
    assert Notification.objects.filter(user=world.manager, kind="consortium_returned").exists()
    # the manager replaces Beta and proposes again: everyone answers anew
    consortium = consortia_services.consortium_update(
        consortium=consortium,
        actor=world.manager,
        members=world.ids("Alpha Knit", "Gamma Knit"),
        lead=world.firms["Alpha Knit"].pk,
    )
    consortium = consortia_services.consortium_propose(consortium=consortium, actor=world.manager)
    assert consortium.status == Consortium.Status.PROPOSED
    assert consortium.buyer_decision == "pending"
    assert set(consortium.members.values_list("decision", flat=True)) == {"pending"}


def test_the_buyer_declining_ends_it(world):
    consortium = proposed(world)

    consortium = consortia_services.consortium_decide(
        consortium=consortium, actor=world.buyer_user, accept=False, reason="timing"
    )

    assert consortium.status == Consortium.Status.DECLINED
    assert Notification.objects.filter(
        user=world.users["Alpha Knit"], kind="consortium_declined"
    ).exists()


def test_a_decision_is_given_once_with_a_reason(world):
    consortium = proposed(world)
    consortia_services.consortium_decide(consortium=consortium, actor=world.buyer_user, accept=True)

    with pytest.raises(ApplicationError) as again:
        consortia_services.consortium_decide(
            consortium=consortium, actor=world.buyer_user, accept=True
        )
    with pytest.raises(ApplicationError) as no_reason:
        consortia_services.consortium_decide(
            consortium=consortium, actor=world.users["Alpha Knit"], accept=False, reason=""
        )
    with pytest.raises(ApplicationError) as long_note:
        consortia_services.consortium_decide(
            consortium=consortium, actor=world.users["Alpha Knit"], accept=True, note="x" * 2001
        )

    assert "already answered" in again.value.extra["consortium"][0]
    assert "reason" in no_reason.value.extra
    assert "note" in long_note.value.extra


def test_a_removed_member_cannot_answer(world):
    consortium = proposed(world)
    services.membership_remove(membership=world.memberships["Beta Knit"], actor=world.manager)

    with pytest.raises(PermissionDenied):
        consortia_services.consortium_decide(
            consortium=consortium, actor=world.users["Beta Knit"], accept=True
        )
    # the consortium went back to the managers, who cannot propose it again with Beta in it
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.RETURNED
    assert "Beta Knit is no longer an active member" in consortium.status_reason
    assert Notification.objects.filter(user=world.buyer_user, kind="consortium_returned").exists()
    with pytest.raises(ApplicationError) as caught:
        consortia_services.consortium_propose(consortium=consortium, actor=world.manager)
    assert "No longer active members" in caught.value.extra["members"][0]


@pytest.mark.parametrize("change", ["suspend", "leave"])
def test_a_suspended_or_departed_member_returns_a_proposed_consortium(world, change):
    consortium = proposed(world)
    membership = world.memberships["Alpha Knit"]

    if change == "suspend":
        services.membership_suspend(membership=membership, actor=world.manager)
    else:
        services.membership_leave(membership=membership, actor=world.users["Alpha Knit"])

    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.RETURNED
    assert Notification.objects.filter(user=world.manager, kind="consortium_returned").exists()


def test_outsiders_and_non_members_cannot_answer(world):
    consortium = proposed(world)

    with pytest.raises(PermissionDenied):
        consortia_services.consortium_decide(
            consortium=consortium, actor=world.users["Gamma Knit"], accept=True
        )
    with pytest.raises(PermissionDenied):
        consortia_services.consortium_decide(
            consortium=consortium, actor=world.manager, accept=True
        )


# WHO TAKES PART
# ------------------------------------------------------------------------------


def test_opening_a_request_runs_the_match_job_that_drafts_the_consortium(
    manager, cluster, rebuild_search_index, django_capture_on_commit_callbacks
):
    from tests.consortia.consortium_world import World, open_request
    from tests.factories import BuyerFactory, UserFactory

    world = World(cluster, manager, None, None, None)  # type: ignore[arg-type]
    for name, capacity in {"Alpha Knit": 30_000, "Beta Knit": 20_000}.items():
        add_member(world, name, capacity)
    rebuild_search_index()
    buyer_user = UserFactory(organisation=BuyerFactory())

    with django_capture_on_commit_callbacks(execute=True):
        request = open_request(buyer_user)

    consortium = Consortium.objects.get(request=request)
    assert names(consortium) == ["Alpha Knit", "Beta Knit"]


def test_a_firm_nobody_claimed_is_never_proposed(world):
    world.users["Alpha Knit"].delete()  # an imported profile: no user of the firm yet

    consortium = draft(world)

    assert "Alpha Knit" not in names(consortium)


def test_capacity_in_another_unit_never_counts(manager, cluster, rebuild_search_index):
    world = build_world(manager, cluster, rebuild_search_index, capacities={"Alpha Knit": 30_000})
    add_member(world, "Kilo Knit", 900_000, unit="kg")

    assert consortia_services.consortia_propose_for_request(request=world.request) == []


def test_members_of_two_clusters_are_never_pooled(
    world, other_cluster, other_manager, rebuild_search_index
):
    from tests.consortia.consortium_world import World

    elsewhere = World(other_cluster, other_manager, None, None, None)  # type: ignore[arg-type]
    add_member(elsewhere, "Sialkot Knit", 40_000)
    for name in ("Beta Knit", "Gamma Knit", "Delta Knit"):
        services.membership_suspend(membership=world.memberships[name], actor=world.manager)

    # Alpha (30,000) + Sialkot (40,000) would do, but they are in different clusters
    assert consortia_services.consortia_propose_for_request(request=world.request) == []


def test_the_edit_offers_active_members_that_make_the_product_with_their_capacity(world):
    from consortia.selectors import active_members_for_choice

    services.membership_suspend(membership=world.memberships["Delta Knit"], actor=world.manager)

    choices = active_members_for_choice(
        user=world.manager, cluster=world.cluster, request=world.request
    )
    assert (
        active_members_for_choice(
            user=world.users["Alpha Knit"], cluster=world.cluster, request=world.request
        )
        == []
    )

    assert [(c.name, c.capacity) for c in choices] == [
        ("Alpha Knit", 30_000),
        ("Beta Knit", 20_000),
        ("Gamma Knit", 15_000),
    ]


def test_every_field_of_a_consortium_says_what_it_holds():
    from consortia.models import ConsortiumMember

    for model in (Consortium, ConsortiumMember):
        for field in model._meta.get_fields():
            if field.concrete and not field.auto_created:
                assert field.help_text, f"{model.__name__}.{field.name} has no help_text"


def test_the_nightly_full_run_drafts_consortia_too(
    world, staff_user, django_capture_on_commit_callbacks
):
    from matching import services as matching_services

    with django_capture_on_commit_callbacks(execute=True):
        matching_services.match_run_start(actor=staff_user, trigger="staff")

    consortium = Consortium.objects.get(request=world.request)
    assert names(consortium) == ["Alpha Knit", "Beta Knit"]
