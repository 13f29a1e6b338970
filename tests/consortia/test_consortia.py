"""Consortia drafted by the matcher, edited and proposed by managers, answered by all.

The tests share one consortium world built once for the module;
``test_consortia_own_members.py`` has those that need members of their own."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clusters import services
from consortia import services as consortia_services
from consortia.models import Consortium, ConsortiumMember
from consortia.selectors import active_members_for_choice
from matching import services as matching_services
from matching.services import match_one_request
from notifications.models import Notification
from sme_platform.errors import ApplicationError
from tests.factories import SupplierFactory, UserFactory
from tests.worlds import ConsortiumWorld, add_member, draft, open_request, proposed

pytestmark = pytest.mark.django_db


def names(consortium: Consortium) -> list[str]:
    return sorted(m.supplier.legal_name for m in consortium.members.all())


# THE MATCHER'S DRAFT
# ------------------------------------------------------------------------------


def test_the_match_job_drafts_the_fewest_members_whose_pooled_capacity_meets_the_volume(
    consortium_world,
):
    # when the request is matched
    match_one_request(request_id=consortium_world.request.pk)

    # then one draft: the two largest firms (30,000 + 20,000 >= 45,000), not three smaller
    consortium = Consortium.objects.get(request=consortium_world.request)
    assert consortium.status == Consortium.Status.DRAFT
    assert names(consortium) == ["Alpha Knit", "Beta Knit"]
    assert consortium.breakdown["pooled_capacity"] == 50_000
    assert consortium.breakdown["meets"] is True
    assert consortium.engine_version
    assert {m.capacity_pledged for m in consortium.members.all()} == {30_000, 20_000}
    assert all(m.score > 0 for m in consortium.members.all())
    # and the manager is told once
    assert (
        Notification.objects.filter(user=consortium_world.manager, kind="consortium_draft").count()
        == 1
    )


def test_re_running_updates_the_draft_and_tells_the_managers_once(consortium_world):
    first = draft(consortium_world)
    add_member(consortium_world, "Epsilon Knit", 25_000)  # now Alpha + Epsilon also make 55,000

    again = draft(consortium_world)

    assert again.pk == first.pk
    assert Consortium.objects.filter(request=consortium_world.request).count() == 1
    assert (
        Notification.objects.filter(user=consortium_world.manager, kind="consortium_draft").count()
        == 1
    )


def test_re_running_never_overwrites_a_draft_a_manager_edited(consortium_world):
    consortium = draft(consortium_world)
    consortia_services.consortium_update(
        consortium=consortium,
        actor=consortium_world.manager,
        members=consortium_world.ids("Alpha Knit", "Gamma Knit"),
        lead=consortium_world.firms["Gamma Knit"].pk,
    )

    assert consortia_services.consortia_propose_for_request(request=consortium_world.request) == []

    consortium.refresh_from_db()
    assert names(consortium) == ["Alpha Knit", "Gamma Knit"]
    assert consortium.members.get(is_lead=True).supplier.legal_name == "Gamma Knit"


def test_a_suspended_member_is_never_proposed(consortium_world):
    services.membership_suspend(
        membership=consortium_world.memberships["Alpha Knit"], actor=consortium_world.manager
    )

    consortium = draft(consortium_world)

    # without Alpha: Beta + Gamma + Delta make 45,000
    assert names(consortium) == ["Beta Knit", "Delta Knit", "Gamma Knit"]


def test_a_removed_or_departed_member_is_never_proposed(consortium_world):
    services.membership_remove(
        membership=consortium_world.memberships["Alpha Knit"], actor=consortium_world.manager
    )
    services.membership_leave(
        membership=consortium_world.memberships["Beta Knit"],
        actor=consortium_world.users["Beta Knit"],
    )

    # Gamma + Delta make only 25,000
    assert consortia_services.consortia_propose_for_request(request=consortium_world.request) == []


def test_no_draft_when_one_member_meets_the_volume_alone(consortium_world):
    consortium_world.request = open_request(consortium_world.buyer_user, volume=25_000)

    assert consortia_services.consortia_propose_for_request(request=consortium_world.request) == []


def test_no_draft_when_the_request_refuses_consortia(consortium_world):
    consortium_world.request = open_request(consortium_world.buyer_user, allow_consortium=False)

    assert consortia_services.consortia_propose_for_request(request=consortium_world.request) == []


def test_no_draft_when_no_member_holds_the_required_certification(consortium_world):
    consortium_world.request = open_request(
        consortium_world.buyer_user, certifications=["oeko-tex"]
    )

    assert consortia_services.consortia_propose_for_request(request=consortium_world.request) == []


def test_a_draft_that_no_longer_meets_the_request_is_withdrawn_by_the_matcher(consortium_world):
    consortium = draft(consortium_world)
    services.membership_suspend(
        membership=consortium_world.memberships["Alpha Knit"], actor=consortium_world.manager
    )
    services.membership_suspend(
        membership=consortium_world.memberships["Beta Knit"], actor=consortium_world.manager
    )

    consortia_services.consortia_propose_for_request(request=consortium_world.request)

    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.WITHDRAWN


def test_closing_the_request_closes_its_consortia(consortium_world):
    consortium = proposed(consortium_world)

    matching_services.request_close(
        request=consortium_world.request, actor=consortium_world.buyer_user
    )

    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.CLOSED


# MANAGERS
# ------------------------------------------------------------------------------


def test_manager_edits_and_the_figures_show_what_is_missing(consortium_world):
    consortium = draft(consortium_world)

    consortium = consortia_services.consortium_update(
        consortium=consortium,
        actor=consortium_world.manager,
        members=consortium_world.ids("Gamma Knit", "Delta Knit"),
        lead=None,
    )

    assert names(consortium) == ["Delta Knit", "Gamma Knit"]
    assert consortium.breakdown["pooled_capacity"] == 25_000
    assert consortium.breakdown["shortfall"] == 20_000
    assert consortium.breakdown["meets"] is False
    with pytest.raises(ValidationError) as caught:
        consortia_services.consortium_propose(consortium=consortium, actor=consortium_world.manager)
    assert set(caught.value.message_dict) == {"members", "lead"}
    assert "short of" in caught.value.message_dict["members"][0]
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT


def test_propose_needs_a_lead(consortium_world):
    consortium = draft(consortium_world)

    with pytest.raises(ValidationError) as caught:
        consortia_services.consortium_propose(consortium=consortium, actor=consortium_world.manager)

    assert caught.value.extra == {"lead": ["Name one member as the lead before proposing."]}
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT


def test_propose_tells_the_buyer_and_every_member(consortium_world):
    consortium = proposed(consortium_world)

    assert consortium.status == Consortium.Status.PROPOSED
    assert consortium.proposed_by == consortium_world.manager
    for user in (
        consortium_world.buyer_user,
        consortium_world.users["Alpha Knit"],
        consortium_world.users["Beta Knit"],
    ):
        assert Notification.objects.filter(user=user, kind="consortium_proposed").exists()
    assert not Notification.objects.filter(
        user=consortium_world.users["Gamma Knit"], kind="consortium_proposed"
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
    consortium_world, other_supplier_user, members, lead, field, message
):
    for extra in ("Epsilon", "Zeta"):
        add_member(consortium_world, extra, 1_000)
    consortium = draft(consortium_world)
    before = names(consortium)
    ids = [
        other_supplier_user.organisation_id if n == "stranger" else consortium_world.firms[n].pk
        for n in members
    ]
    lead_id = consortium_world.firms[lead].pk if lead in consortium_world.firms else lead

    with pytest.raises(ApplicationError) as caught:
        consortia_services.consortium_update(
            consortium=consortium, actor=consortium_world.manager, members=ids, lead=lead_id
        )

    assert message in " ".join(caught.value.extra[field])
    assert names(consortium) == before


def test_a_member_of_another_cluster_cannot_be_added(
    consortium_world, other_cluster, other_manager
):
    consortium = draft(consortium_world)
    firm = SupplierFactory(legal_name="Sialkot Steel")
    user = UserFactory(organisation=firm)
    membership = services.membership_apply(cluster=other_cluster, actor=user)
    services.membership_approve(membership=membership, actor=other_manager)

    with pytest.raises(ApplicationError) as caught:
        consortia_services.consortium_update(
            consortium=consortium,
            actor=consortium_world.manager,
            members=[consortium_world.firms["Alpha Knit"].pk, firm.pk],
        )
    assert "members" in caught.value.extra


def test_only_the_clusters_managers_edit_propose_or_withdraw(consortium_world, other_manager):
    consortium = draft(consortium_world)

    for call in (
        lambda: consortia_services.consortium_update(
            consortium=consortium,
            actor=other_manager,
            members=consortium_world.ids("Alpha Knit", "Beta Knit"),
        ),
        lambda: consortia_services.consortium_propose(consortium=consortium, actor=other_manager),
        lambda: consortia_services.consortium_withdraw(
            consortium=consortium, actor=consortium_world.buyer_user
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_withdraw_tells_those_who_saw_it(consortium_world):
    consortium = proposed(consortium_world)

    consortium = consortia_services.consortium_withdraw(
        consortium=consortium, actor=consortium_world.manager, note="Alpha is fully booked."
    )

    assert consortium.status == Consortium.Status.WITHDRAWN
    assert Notification.objects.filter(
        user=consortium_world.buyer_user, kind="consortium_withdrawn"
    ).exists()
    # a withdrawn consortium is not re-drafted by the matcher
    assert consortia_services.consortia_propose_for_request(request=consortium_world.request) == []


# THE BUYER AND EVERY MEMBER
# ------------------------------------------------------------------------------


def test_linked_only_when_the_buyer_and_every_member_accepted(consortium_world):
    consortium = proposed(consortium_world)

    consortia_services.consortium_decide(
        consortium=consortium, actor=consortium_world.buyer_user, accept=True
    )
    consortium = consortia_services.consortium_decide(
        consortium=consortium, actor=consortium_world.users["Alpha Knit"], accept=True
    )
    assert consortium.status == Consortium.Status.PROPOSED

    consortium = consortia_services.consortium_decide(
        consortium=consortium, actor=consortium_world.users["Beta Knit"], accept=True
    )
    assert consortium.status == Consortium.Status.LINKED
    for user in (
        consortium_world.buyer_user,
        consortium_world.manager,
        consortium_world.users["Alpha Knit"],
    ):
        assert Notification.objects.filter(user=user, kind="consortium_linkage").exists()


def test_a_member_declining_returns_it_to_the_manager(consortium_world):
    consortium = proposed(consortium_world)
    consortia_services.consortium_decide(
        consortium=consortium, actor=consortium_world.buyer_user, accept=True
    )

    consortium = consortia_services.consortium_decide(
        consortium=consortium,
        actor=consortium_world.users["Beta Knit"],
        accept=False,
        reason="capacity",
    )

    assert consortium.status == Consortium.Status.RETURNED
    assert "Beta Knit declined" in consortium.status_reason
    assert Notification.objects.filter(
        user=consortium_world.manager, kind="consortium_returned"
    ).exists()
    # the manager replaces Beta and proposes again: everyone answers anew
    consortium = consortia_services.consortium_update(
        consortium=consortium,
        actor=consortium_world.manager,
        members=consortium_world.ids("Alpha Knit", "Gamma Knit"),
        lead=consortium_world.firms["Alpha Knit"].pk,
    )
    consortium = consortia_services.consortium_propose(
        consortium=consortium, actor=consortium_world.manager
    )
    assert consortium.status == Consortium.Status.PROPOSED
    assert consortium.buyer_decision == "pending"
    assert set(consortium.members.values_list("decision", flat=True)) == {"pending"}


def test_the_buyer_declining_ends_it(consortium_world):
    consortium = proposed(consortium_world)

    consortium = consortia_services.consortium_decide(
        consortium=consortium, actor=consortium_world.buyer_user, accept=False, reason="timing"
    )

    assert consortium.status == Consortium.Status.DECLINED
    assert Notification.objects.filter(
        user=consortium_world.users["Alpha Knit"], kind="consortium_declined"
    ).exists()


def test_a_decision_is_given_once_with_a_reason(consortium_world):
    consortium = proposed(consortium_world)
    consortia_services.consortium_decide(
        consortium=consortium, actor=consortium_world.buyer_user, accept=True
    )

    with pytest.raises(ApplicationError) as again:
        consortia_services.consortium_decide(
            consortium=consortium, actor=consortium_world.buyer_user, accept=True
        )
    with pytest.raises(ApplicationError) as no_reason:
        consortia_services.consortium_decide(
            consortium=consortium,
            actor=consortium_world.users["Alpha Knit"],
            accept=False,
            reason="",
        )
    with pytest.raises(ApplicationError) as long_note:
        consortia_services.consortium_decide(
            consortium=consortium,
            actor=consortium_world.users["Alpha Knit"],
            accept=True,
            note="x" * 2001,
        )

    assert "already answered" in again.value.extra["consortium"][0]
    assert "reason" in no_reason.value.extra
    assert "note" in long_note.value.extra


def test_a_removed_member_cannot_answer(consortium_world):
    consortium = proposed(consortium_world)
    services.membership_remove(
        membership=consortium_world.memberships["Beta Knit"], actor=consortium_world.manager
    )

    with pytest.raises(PermissionDenied):
        consortia_services.consortium_decide(
            consortium=consortium, actor=consortium_world.users["Beta Knit"], accept=True
        )
    # the consortium went back to the managers, who cannot propose it again with Beta in it
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.RETURNED
    assert "Beta Knit is no longer an active member" in consortium.status_reason
    assert Notification.objects.filter(
        user=consortium_world.buyer_user, kind="consortium_returned"
    ).exists()
    with pytest.raises(ValidationError) as caught:
        consortia_services.consortium_propose(consortium=consortium, actor=consortium_world.manager)
    assert "No longer active members" in caught.value.message_dict["members"][0]


@pytest.mark.parametrize("change", ["suspend", "leave"])
def test_a_suspended_or_departed_member_returns_a_proposed_consortium(consortium_world, change):
    consortium = proposed(consortium_world)
    membership = consortium_world.memberships["Alpha Knit"]

    if change == "suspend":
        services.membership_suspend(membership=membership, actor=consortium_world.manager)
    else:
        services.membership_leave(membership=membership, actor=consortium_world.users["Alpha Knit"])

    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.RETURNED
    assert Notification.objects.filter(
        user=consortium_world.manager, kind="consortium_returned"
    ).exists()


def test_outsiders_and_non_members_cannot_answer(consortium_world):
    consortium = proposed(consortium_world)

    with pytest.raises(PermissionDenied):
        consortia_services.consortium_decide(
            consortium=consortium, actor=consortium_world.users["Gamma Knit"], accept=True
        )
    with pytest.raises(PermissionDenied):
        consortia_services.consortium_decide(
            consortium=consortium, actor=consortium_world.manager, accept=True
        )


# WHO TAKES PART
# ------------------------------------------------------------------------------


def test_a_firm_nobody_claimed_is_never_proposed(consortium_world):
    consortium_world.users["Alpha Knit"].delete()  # an imported profile: no user of the firm yet

    consortium = draft(consortium_world)

    assert "Alpha Knit" not in names(consortium)


def test_members_of_two_clusters_are_never_pooled(
    consortium_world, other_cluster, other_manager, rebuild_search_index
):
    elsewhere = ConsortiumWorld(other_cluster, other_manager)
    add_member(elsewhere, "Sialkot Knit", 40_000)
    for name in ("Beta Knit", "Gamma Knit", "Delta Knit"):
        services.membership_suspend(
            membership=consortium_world.memberships[name], actor=consortium_world.manager
        )

    # Alpha (30,000) + Sialkot (40,000) would do, but they are in different clusters
    assert consortia_services.consortia_propose_for_request(request=consortium_world.request) == []


def test_the_edit_offers_active_members_that_make_the_product_with_their_capacity(consortium_world):
    services.membership_suspend(
        membership=consortium_world.memberships["Delta Knit"], actor=consortium_world.manager
    )

    choices = active_members_for_choice(
        user=consortium_world.manager,
        cluster=consortium_world.cluster,
        request=consortium_world.request,
    )
    assert (
        active_members_for_choice(
            user=consortium_world.users["Alpha Knit"],
            cluster=consortium_world.cluster,
            request=consortium_world.request,
        )
        == []
    )

    assert [(c.name, c.capacity) for c in choices] == [
        ("Alpha Knit", 30_000),
        ("Beta Knit", 20_000),
        ("Gamma Knit", 15_000),
    ]


def test_every_field_of_a_consortium_says_what_it_holds():
    for model in (Consortium, ConsortiumMember):
        for field in model._meta.get_fields():
            if field.concrete and not field.auto_created:
                assert field.help_text, f"{model.__name__}.{field.name} has no help_text"


def test_the_nightly_full_run_drafts_consortia_too(
    consortium_world, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        matching_services.match_run_start(actor=staff_user, trigger="staff")

    consortium = Consortium.objects.get(request=consortium_world.request)
    assert names(consortium) == ["Alpha Knit", "Beta Knit"]
