"""The membership lifecycle through the services: each change recorded with who and when."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from clusters import services
from clusters.models import Cluster, ClusterMembership, MembershipEvent
from companies import services as company_services
from notifications.models import Notification
from sme_platform.errors import ApplicationError
from tests.factories import TEST_PASSWORD, ClusterFactory

pytestmark = pytest.mark.django_db
Status = ClusterMembership.Status


def transitions(membership):
    return [
        (e.from_status, e.to_status, e.actor_id)
        for e in MembershipEvent.objects.filter(membership=membership)
    ]


# CLUSTERS
# ------------------------------------------------------------------------------


def test_a_proposed_cluster_waits_for_staff_with_its_proposer_as_manager(manager):
    cluster = services.cluster_propose(
        actor=manager, name="Penang Electronics", country="MY", sector="2610"
    )

    assert cluster.status == Cluster.Status.PROPOSED
    assert list(cluster.managers.all()) == [manager]
    assert cluster.body == manager.organisation


def test_staff_are_told_of_a_proposed_cluster(manager, staff_user):
    services.cluster_propose(actor=manager, name="Penang Electronics", country="MY", sector="2610")

    assert Notification.objects.filter(user=staff_user, kind="cluster_proposed").exists()


def test_an_sme_cannot_propose_a_cluster(sme_user):
    with pytest.raises(PermissionDenied):
        services.cluster_propose(actor=sme_user, name="Mine", country="IN", sector="1430")

    assert not Cluster.objects.exists()


def test_only_staff_review_a_cluster(manager, staff_user):
    cluster = services.cluster_propose(actor=manager, name="X", country="IN", sector="1430")

    with pytest.raises(PermissionDenied):
        services.cluster_review(cluster=cluster, actor=manager, status="approved")

    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.PROPOSED


def test_managers_hear_of_the_review(manager, staff_user):
    cluster = services.cluster_propose(actor=manager, name="X", country="IN", sector="1430")

    services.cluster_review(cluster=cluster, actor=staff_user, status="rejected", note="Duplicate")

    assert Notification.objects.filter(user=manager, kind="cluster_rejected").exists()


def test_editing_a_rejected_cluster_sends_it_back_for_review(manager, staff_user):
    cluster = services.cluster_propose(actor=manager, name="X", country="IN", sector="1430")
    services.cluster_review(cluster=cluster, actor=staff_user, status="rejected")

    services.cluster_update(cluster=cluster, actor=manager, data={"description": "Now clearer."})

    cluster.refresh_from_db()
    assert cluster.status == Cluster.Status.PROPOSED


def test_a_manager_of_another_cluster_cannot_edit_it(cluster, other_manager):
    with pytest.raises(PermissionDenied):
        services.cluster_update(cluster=cluster, actor=other_manager, data={"name": "Mine now"})


def test_a_colleague_of_the_body_becomes_manager(cluster, manager):
    from tests.factories import UserFactory

    colleague = UserFactory(organisation=manager.organisation, role="member")

    services.manager_add(cluster=cluster, actor=manager, user=colleague)

    assert set(cluster.managers.all()) == {manager, colleague}


def test_a_user_of_another_organisation_cannot_become_manager(cluster, manager, sme_user):
    with pytest.raises(ApplicationError) as exc:
        services.manager_add(cluster=cluster, actor=manager, user=sme_user)

    assert "user" in exc.value.extra
    assert list(cluster.managers.all()) == [manager]


def test_the_last_manager_cannot_be_removed(cluster, manager):
    with pytest.raises(ApplicationError) as exc:
        services.manager_remove(cluster=cluster, actor=manager, user=manager)

    assert "user" in exc.value.extra


# APPLY -> APPROVE / REFUSE
# ------------------------------------------------------------------------------


def test_apply_then_approve_makes_an_active_member(cluster, sme_user, manager):
    membership = services.membership_apply(cluster=cluster, actor=sme_user, listed_publicly=True)

    membership = services.membership_approve(membership=membership, actor=manager)

    assert membership.status == Status.ACTIVE
    assert membership.joined_at is not None
    assert transitions(membership) == [
        ("", Status.APPLIED, sme_user.pk),
        (Status.APPLIED, Status.ACTIVE, manager.pk),
    ]


def test_every_event_has_a_time(member):
    assert all(e.created_at is not None for e in member.events.all())


def test_managers_are_told_of_an_application_and_the_sme_of_the_decision(
    cluster, sme_user, manager
):
    membership = services.membership_apply(cluster=cluster, actor=sme_user)
    assert Notification.objects.filter(user=manager, kind="cluster_application").exists()

    services.membership_approve(membership=membership, actor=manager)

    assert Notification.objects.filter(user=sme_user, kind="cluster_membership_active").exists()


def test_refuse_an_application(cluster, sme_user, manager):
    membership = services.membership_apply(cluster=cluster, actor=sme_user)

    membership = services.membership_refuse(membership=membership, actor=manager, note="Not local")

    assert membership.status == Status.REFUSED
    assert transitions(membership)[-1] == (Status.APPLIED, Status.REFUSED, manager.pk)
    assert membership.events.last().note == "Not local"


def test_an_sme_cannot_approve_itself(cluster, sme_user):
    membership = services.membership_apply(cluster=cluster, actor=sme_user)

    with pytest.raises(PermissionDenied):
        services.membership_approve(membership=membership, actor=sme_user)

    membership.refresh_from_db()
    assert membership.status == Status.APPLIED


def test_a_manager_of_another_cluster_cannot_approve(cluster, sme_user, other_manager):
    membership = services.membership_apply(cluster=cluster, actor=sme_user)

    with pytest.raises(PermissionDenied):
        services.membership_approve(membership=membership, actor=other_manager)


def test_a_cluster_in_review_takes_no_application(manager, staff_user, sme_user):
    proposed = ClusterFactory(proposed_by=manager, status="proposed")

    with pytest.raises(ApplicationError) as exc:
        services.membership_apply(cluster=proposed, actor=sme_user)

    assert "cluster" in exc.value.extra
    assert not ClusterMembership.objects.exists()


def test_a_second_application_is_a_field_error_writing_nothing(cluster, sme_user):
    services.membership_apply(cluster=cluster, actor=sme_user)

    with pytest.raises(ApplicationError) as exc:
        services.membership_apply(cluster=cluster, actor=sme_user)

    assert "cluster" in exc.value.extra
    assert ClusterMembership.objects.count() == 1
    assert MembershipEvent.objects.count() == 1


def test_an_oversized_application_message_writes_nothing(cluster, sme_user):
    with pytest.raises(ApplicationError) as exc:
        services.membership_apply(cluster=cluster, actor=sme_user, message="x" * 2001)

    assert "message" in exc.value.extra
    assert not ClusterMembership.objects.exists()


def test_a_buyer_cannot_apply(cluster, buyer_user):
    with pytest.raises(PermissionDenied):
        services.membership_apply(cluster=cluster, actor=buyer_user)


def test_an_sme_may_belong_to_several_clusters(cluster, other_cluster, sme_user):
    services.membership_apply(cluster=cluster, actor=sme_user)
    services.membership_apply(cluster=other_cluster, actor=sme_user)

    assert ClusterMembership.objects.filter(supplier=sme_user.organisation).count() == 2


# INVITATIONS
# ------------------------------------------------------------------------------


def test_invite_then_accept(cluster, manager, sme, sme_user):
    membership = services.membership_invite(cluster=cluster, actor=manager, supplier=sme)
    assert Notification.objects.filter(user=sme_user, kind="cluster_invitation").exists()

    membership = services.membership_accept_invitation(
        membership=membership, actor=sme_user, listed_publicly=True, share_contacts=False
    )

    assert membership.status == Status.ACTIVE
    assert membership.listed_publicly
    assert not membership.share_contacts
    assert transitions(membership) == [
        ("", Status.INVITED, manager.pk),
        (Status.INVITED, Status.ACTIVE, sme_user.pk),
    ]


def test_an_invited_sme_may_decline(cluster, manager, sme, sme_user):
    membership = services.membership_invite(cluster=cluster, actor=manager, supplier=sme)

    membership = services.membership_decline_invitation(membership=membership, actor=sme_user)

    assert membership.status == Status.REFUSED
    assert transitions(membership)[-1] == (Status.INVITED, Status.REFUSED, sme_user.pk)


def test_a_manager_cannot_accept_an_invitation_for_the_sme(cluster, manager, sme):
    membership = services.membership_invite(cluster=cluster, actor=manager, supplier=sme)

    with pytest.raises(PermissionDenied):
        services.membership_accept_invitation(membership=membership, actor=manager)


def test_inviting_an_address_of_a_registered_sme_invites_that_sme(cluster, manager, sme_user):
    membership = services.membership_invite(
        cluster=cluster, actor=manager, email=sme_user.email.upper()
    )

    assert membership.supplier == sme_user.organisation
    assert membership.invited_email == ""


def test_invite_by_email_survives_sign_up(cluster, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_invite(
            cluster=cluster, actor=manager, email="Owner@NewKnit.example"
        )
    assert membership.supplier is None
    assert mail.outbox
    assert mail.outbox[-1].to == ["owner@newknit.example"]
    assert membership.token in mail.outbox[-1].body

    user = company_services.organisation_register(
        kind="supplier",
        legal_name="New Knit Pvt Ltd",
        country="IN",
        email="owner@newknit.example",
        password=TEST_PASSWORD,
    )

    membership.refresh_from_db()
    assert membership.supplier == user.organisation
    assert membership.status == Status.INVITED
    assert transitions(membership)[-1] == (Status.INVITED, Status.INVITED, user.pk)
    assert Notification.objects.filter(user=user, kind="cluster_invitation").exists()
    services.membership_accept_invitation(membership=membership, actor=user)
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE


def test_an_invitation_by_email_is_not_attached_to_a_buyer_signing_up(cluster, manager):
    membership = services.membership_invite(cluster=cluster, actor=manager, email="b@brand.example")

    company_services.organisation_register(
        kind="buyer",
        legal_name="Brand",
        country="DE",
        email="b@brand.example",
        password=TEST_PASSWORD,
    )

    membership.refresh_from_db()
    assert membership.supplier is None


def test_invite_by_email_attaches_when_a_colleague_joins_an_sme(cluster, manager, sme_user):
    membership = services.membership_invite(
        cluster=cluster, actor=manager, email="new@knit.example"
    )
    invitation = company_services.colleague_invite(
        organisation=sme_user.organisation, actor=sme_user, email="new@knit.example"
    )

    user = company_services.invitation_accept(token=invitation.token, password=TEST_PASSWORD)

    membership.refresh_from_db()
    assert membership.supplier == sme_user.organisation
    assert user.organisation == sme_user.organisation


def test_a_duplicate_invitation_is_a_field_error(cluster, manager, sme):
    services.membership_invite(cluster=cluster, actor=manager, supplier=sme)

    with pytest.raises(ApplicationError) as exc:
        services.membership_invite(cluster=cluster, actor=manager, supplier=sme)

    assert "supplier" in exc.value.extra
    assert ClusterMembership.objects.count() == 1


def test_a_duplicate_email_invitation_is_a_field_error(cluster, manager):
    services.membership_invite(cluster=cluster, actor=manager, email="x@firm.example")

    with pytest.raises(ApplicationError) as exc:
        services.membership_invite(cluster=cluster, actor=manager, email="X@firm.example")

    assert "email" in exc.value.extra
    assert ClusterMembership.objects.count() == 1


@pytest.mark.parametrize("email", ["not-an-address", "a@b"])
def test_a_malformed_email_is_a_field_error(cluster, manager, email):
    with pytest.raises(ApplicationError) as exc:
        services.membership_invite(cluster=cluster, actor=manager, email=email)

    assert "email" in exc.value.extra
    assert not ClusterMembership.objects.exists()


def test_inviting_a_buyer_is_a_field_error(cluster, manager, buyer):
    with pytest.raises(ApplicationError) as exc:
        services.membership_invite(cluster=cluster, actor=manager, supplier=buyer)

    assert "supplier" in exc.value.extra


def test_an_sme_cannot_invite(cluster, sme_user, other_supplier_user):
    with pytest.raises(PermissionDenied):
        services.membership_invite(
            cluster=cluster, actor=sme_user, supplier=other_supplier_user.organisation
        )


# SUSPEND, REINSTATE, REMOVE, LEAVE
# ------------------------------------------------------------------------------


def test_suspend_and_reinstate(member, manager, sme_user):
    suspended = services.membership_suspend(membership=member, actor=manager, note="Late dues")
    assert suspended.status == Status.SUSPENDED
    assert suspended.is_member

    reinstated = services.membership_reinstate(membership=member, actor=manager)

    assert reinstated.status == Status.ACTIVE
    assert transitions(member)[-2:] == [
        (Status.ACTIVE, Status.SUSPENDED, manager.pk),
        (Status.SUSPENDED, Status.ACTIVE, manager.pk),
    ]
    assert Notification.objects.filter(user=sme_user, kind="cluster_membership_suspended").exists()


def test_a_member_cannot_be_reinstated_unless_suspended(member, manager):
    with pytest.raises(ApplicationError) as exc:
        services.membership_reinstate(membership=member, actor=manager)

    assert "status" in exc.value.extra
    assert member.events.count() == 2


def test_remove_a_member(member, manager):
    removed = services.membership_remove(membership=member, actor=manager)

    assert removed.status == Status.REMOVED
    assert transitions(member)[-1] == (Status.ACTIVE, Status.REMOVED, manager.pk)


def test_a_removed_member_cannot_leave(member, manager, sme_user):
    services.membership_remove(membership=member, actor=manager)
    member.refresh_from_db()

    with pytest.raises(PermissionDenied):
        services.membership_leave(membership=member, actor=sme_user)


def test_a_removed_member_cannot_change_its_consent(member, manager, sme_user):
    services.membership_remove(membership=member, actor=manager)
    member.refresh_from_db()

    with pytest.raises(PermissionDenied):
        services.membership_set_consent(
            membership=member, actor=sme_user, listed_publicly=True, share_contacts=True
        )


def test_a_removed_member_cannot_apply_again(member, manager, cluster, sme_user):
    services.membership_remove(membership=member, actor=manager)

    with pytest.raises(PermissionDenied):
        services.membership_apply(cluster=cluster, actor=sme_user)

    assert ClusterMembership.objects.count() == 1


def test_a_removed_member_may_be_invited_back(member, manager, cluster, sme):
    services.membership_remove(membership=member, actor=manager)

    again = services.membership_invite(cluster=cluster, actor=manager, supplier=sme)

    assert again.status == Status.INVITED


def test_leave(member, sme_user, manager):
    left = services.membership_leave(membership=member, actor=sme_user, note="Moving")

    assert left.status == Status.LEFT
    assert transitions(member)[-1] == (Status.ACTIVE, Status.LEFT, sme_user.pk)
    assert Notification.objects.filter(user=manager, kind="cluster_left").exists()


def test_an_sme_that_left_may_apply_again(member, sme_user, cluster):
    services.membership_leave(membership=member, actor=sme_user)

    again = services.membership_apply(cluster=cluster, actor=sme_user)

    assert again.pk != member.pk
    assert again.status == Status.APPLIED


def test_another_sme_cannot_make_a_member_leave(member, other_supplier_user):
    with pytest.raises(PermissionDenied):
        services.membership_leave(membership=member, actor=other_supplier_user)


def test_an_oversized_note_writes_nothing(member, manager):
    with pytest.raises(ApplicationError) as exc:
        services.membership_suspend(membership=member, actor=manager, note="x" * 501)

    assert "note" in exc.value.extra
    member.refresh_from_db()
    assert member.status == Status.ACTIVE
    assert member.events.count() == 2


def test_consent_changes_are_kept_in_the_history(member, sme_user):
    services.membership_set_consent(
        membership=member, actor=sme_user, listed_publicly=False, share_contacts=False
    )

    member.refresh_from_db()
    assert not member.listed_publicly
    assert not member.share_contacts
    last = member.events.last()
    assert last.actor == sme_user
    assert "Listed publicly: no" in last.note
