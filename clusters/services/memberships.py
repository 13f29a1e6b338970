"""Writes for memberships: applications, invitations, decisions and their history.

Every function takes keyword arguments, validates, writes inside one transaction
and tells the other side through ``notifications.services.notify`` (whose
e-mail leaves only after commit). A broken rule raises ``ApplicationError``
naming each field and writes nothing; the wrong person raises ``PermissionDenied``.
Limits and formats of a field are the model's, checked by the model itself.

Every change of a membership writes a ``MembershipEvent`` with the actor, so the
history of who invited, applied, approved, suspended or left is never lost.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters import hooks, permissions
from clusters.models import Cluster, ClusterMembership, MembershipEvent
from clusters.services._notices import _my_clusters_url, _notify_managers, _notify_supplier
from clusters.tasks import send_membership_invitation_task
from companies.models import Organisation, User
from notifications.services import notify
from sme_platform.errors import check_fields, refusal
from sme_platform.outbox import enqueue_on_commit

Status = ClusterMembership.Status

_NOTE_LENGTH = MembershipEvent._meta.get_field("note").max_length
_NOT_APPROVED = "This cluster does not take members until staff approve it."


# CLUSTER FIELDS
# ------------------------------------------------------------------------------


# NOTIFICATIONS
# ------------------------------------------------------------------------------


# CLUSTERS
# ------------------------------------------------------------------------------


# MEMBERSHIPS
# ------------------------------------------------------------------------------


def _record(
    membership: ClusterMembership, *, actor: User | None, from_status: str, note: str = ""
) -> MembershipEvent:
    event = MembershipEvent.objects.create(
        membership=membership,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=from_status,
        to_status=membership.status,
        # An application's message is longer than a note: the history keeps its start.
        note=note[:_NOTE_LENGTH],
    )
    hooks.membership_changed.send(
        sender=ClusterMembership, membership=membership, from_status=from_status, actor=actor
    )
    return event


def _checked_note(note: str) -> str:
    """A person's note, checked before anything moves: the history must not cut it short."""
    check_fields(MembershipEvent(note=note), ["note"])
    return note


def _locked(membership: ClusterMembership) -> ClusterMembership:
    """The row again, locked, so two managers clicking at once cannot both move it."""
    return (
        ClusterMembership.objects.select_for_update(of=("self",))
        .select_related("cluster", "supplier")
        .get(pk=membership.pk)
    )


def _transition(
    membership: ClusterMembership,
    *,
    actor: User,
    allowed_from: Iterable[str],
    to_status: str,
    note: str,
    verb: str,
) -> ClusterMembership:
    locked = _locked(membership)
    if locked.status not in set(allowed_from):
        state = locked.get_status_display().lower()
        raise refusal({"status": [f"A membership that is {state} cannot be {verb}."]})
    from_status = locked.status
    locked.status = to_status
    if to_status == Status.ACTIVE and locked.joined_at is None:
        locked.joined_at = timezone.now()
    locked.save(update_fields=["status", "joined_at", "updated_at"])
    _record(locked, actor=actor, from_status=from_status, note=note)
    # The caller's object shows the new state too.
    membership.status, membership.joined_at = locked.status, locked.joined_at
    return locked


def _open_membership(cluster: Cluster, supplier: Organisation) -> ClusterMembership | None:
    return (
        ClusterMembership.objects.filter(
            cluster=cluster, supplier=supplier, status__in=ClusterMembership.OPEN_STATUSES
        )
        .select_for_update()
        .first()
    )


def _already(membership: ClusterMembership, *, for_manager: bool) -> str:
    name = membership.display_name
    if membership.status == Status.INVITED:
        return (
            f"{name} is already invited."
            if for_manager
            else "This cluster already invited your firm: accept the invitation in My clusters."
        )
    if membership.status == Status.APPLIED:
        return (
            f"{name} has already applied: approve or refuse its application."
            if for_manager
            else "Your firm's application is already waiting for the managers."
        )
    return f"{name} is already a member." if for_manager else "Your firm is already a member."


def _save_new(membership: ClusterMembership, *, field: str) -> ClusterMembership:
    check_fields(membership, ["message", "invited_email"], as_names={"invited_email": "email"})
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        # Another request created the same open membership a moment earlier.
        raise refusal({field: ["This membership already exists."]}) from exc
    return membership


@transaction.atomic
def membership_apply(
    *,
    cluster: Cluster,
    actor: User,
    listed_publicly: bool = False,
    share_contacts: bool = False,
    message: str = "",
) -> ClusterMembership:
    """An SME's user applies for the SME to join an approved cluster."""
    supplier = permissions.check_supplier_user(actor)
    latest = ClusterMembership.objects.filter(cluster=cluster, supplier=supplier).first()
    if latest is not None and latest.status == Status.REMOVED:
        raise PermissionDenied(
            "Your firm was removed from this cluster; only its managers can invite it back."
        )
    if not cluster.is_approved:
        raise refusal({"cluster": [_NOT_APPROVED]})
    existing = _open_membership(cluster, supplier)
    if existing is not None:
        raise refusal({"cluster": [_already(existing, for_manager=False)]})
    membership = _save_new(
        ClusterMembership(
            cluster=cluster,
            supplier=supplier,
            status=Status.APPLIED,
            listed_publicly=bool(listed_publicly),
            share_contacts=bool(share_contacts),
            message=message,
        ),
        field="cluster",
    )
    _record(membership, actor=actor, from_status="", note=message)
    _notify_managers(
        cluster,
        actor=actor,
        kind="cluster_application",
        title=f"{supplier.legal_name} applies to join {cluster.name}",
        body=message,
    )
    return membership


@transaction.atomic
def membership_invite(
    *,
    cluster: Cluster,
    actor: User,
    supplier: Organisation | None = None,
    email: str = "",
    message: str = "",
) -> ClusterMembership:
    """A manager invites a registered SME, or an e-mail address of a firm not yet registered.

    An address that already belongs to an SME's user invites that SME. An invitation
    to an unknown address waits: when someone signs up an SME with that address the
    invitation attaches to their firm (``invitations_attach_on_signup``).
    """
    permissions.check_manager(actor, cluster)
    # Addresses are compared as one: X@firm.example is x@firm.example.
    email = email.strip().lower()
    if not cluster.is_approved:
        raise refusal({"cluster": [_NOT_APPROVED]})
    if supplier is None and not email:
        raise refusal({"supplier": ["Choose an SME, or give the e-mail address of one to invite."]})
    if supplier is not None and email:
        raise refusal({"email": ["Invite either a registered SME or an e-mail address, not both."]})
    membership = ClusterMembership(
        cluster=cluster,
        supplier=supplier,
        invited_email=email,
        status=Status.INVITED,
        message=message,
    )
    if email:
        check_fields(membership, ["invited_email"], as_names={"invited_email": "email"})
        holder = User.objects.select_related("organisation").filter(email__iexact=email).first()
        if holder is not None:
            if holder.organisation is None or not holder.organisation.is_supplier:
                raise refusal({"email": ["This address belongs to an account that is not an SME."]})
            supplier = membership.supplier = holder.organisation
            membership.invited_email = ""
    if supplier is not None:
        if not supplier.is_supplier:
            raise refusal({"supplier": ["Only SME suppliers join clusters."]})
        existing = _open_membership(cluster, supplier)
        if existing is not None:
            raise refusal({"supplier": [_already(existing, for_manager=True)]})
    elif ClusterMembership.objects.filter(
        cluster=cluster, invited_email=email, supplier__isnull=True, status=Status.INVITED
    ).exists():
        raise refusal({"email": ["An invitation to this address is already open."]})

    membership = _save_new(membership, field="supplier" if supplier is not None else "email")
    _record(membership, actor=actor, from_status="", note=message)
    if supplier is not None:
        _notify_supplier(
            membership,
            actor=actor,
            kind="cluster_invitation",
            title=f"{cluster.name} invites {supplier.legal_name} to join",
            body=message,
        )
    else:
        enqueue_on_commit(send_membership_invitation_task, membership.pk)
    return membership


def membership_invitation_email_send(*, membership: ClusterMembership, accept_url: str) -> None:
    """E-mail an invitation to a firm that is not registered yet."""
    from django.core.mail import send_mail

    cluster = membership.cluster
    lines = [
        f"{cluster.name} ({cluster.body.legal_name}) invites your firm to join the cluster "
        "on the platform.",
        "",
    ]
    if membership.message:
        lines += [membership.message, ""]
    lines += [
        "Register your firm as an SME supplier with this e-mail address and the invitation",
        f"will be waiting for you. See it here: {accept_url}",
    ]
    # The job may be delivered twice (the outbox sends at least once): whoever marks the
    # row first sends, and gives the mark back when the mail server refuses, for a retry.
    sent_at = timezone.now()
    unsent = ClusterMembership.objects.filter(pk=membership.pk, invitation_sent_at__isnull=True)
    if not unsent.update(invitation_sent_at=sent_at):
        return
    try:
        send_mail(
            subject=f"{cluster.name} invites your firm to join",
            message="\n".join(lines),
            from_email=None,
            recipient_list=[membership.invited_email],
        )
    except Exception:
        ClusterMembership.objects.filter(pk=membership.pk, invitation_sent_at=sent_at).update(
            invitation_sent_at=None
        )
        raise
    membership.invitation_sent_at = sent_at


@transaction.atomic
def invitations_attach_on_signup(
    *, organisation: Organisation, user: User
) -> list[ClusterMembership]:
    """Attach the clusters' open e-mail invitations of ``user`` to their new SME.

    Called by the registration and invitation services of ``companies`` once a user
    of an SME exists. An invitation for a cluster the SME already belongs to (or has
    applied to) is closed instead, so the SME never holds two open memberships.
    """
    if not organisation.is_supplier or not user.email:
        return []
    waiting = list(
        ClusterMembership.objects.select_for_update(of=("self",))
        .select_related("cluster")
        .filter(supplier__isnull=True, status=Status.INVITED, invited_email__iexact=user.email)
    )
    attached = []
    for membership in waiting:
        if _open_membership(membership.cluster, organisation) is not None:
            membership.status = Status.REMOVED
            membership.save(update_fields=["status", "updated_at"])
            _record(
                membership,
                actor=user,
                from_status=Status.INVITED,
                note=f"{organisation.legal_name} already has a membership of this cluster.",
            )
            continue
        membership.supplier = organisation
        membership.save(update_fields=["supplier", "updated_at"])
        _record(
            membership,
            actor=user,
            from_status=Status.INVITED,
            note=f"Invitation of {membership.invited_email} attached to {organisation.legal_name}.",
        )
        notify(
            user=user,
            kind="cluster_invitation",
            title=f"{membership.cluster.name} invites {organisation.legal_name} to join",
            body=membership.message,
            url=_my_clusters_url(),
        )
        attached.append(membership)
    return attached


@transaction.atomic
def membership_accept_invitation(
    *,
    membership: ClusterMembership,
    actor: User,
    listed_publicly: bool = False,
    share_contacts: bool = False,
) -> ClusterMembership:
    """The invited SME joins, saying whether it may be listed and its contacts shared."""
    permissions.check_member_side(actor, membership)
    membership = _transition(
        membership,
        actor=actor,
        allowed_from=[Status.INVITED],
        to_status=Status.ACTIVE,
        note="Invitation accepted.",
        verb="accepted",
    )
    membership.listed_publicly = bool(listed_publicly)
    membership.share_contacts = bool(share_contacts)
    membership.save(update_fields=["listed_publicly", "share_contacts", "updated_at"])
    _notify_managers(
        membership.cluster,
        actor=actor,
        kind="cluster_joined",
        title=f"{membership.display_name} joined {membership.cluster.name}",
        body="It accepted your invitation.",
    )
    return membership


@transaction.atomic
def membership_decline_invitation(
    *, membership: ClusterMembership, actor: User, note: str = ""
) -> ClusterMembership:
    """The invited SME says no."""
    permissions.check_member_side(actor, membership)
    membership = _transition(
        membership,
        actor=actor,
        allowed_from=[Status.INVITED],
        to_status=Status.REFUSED,
        note=_checked_note(note) or "Invitation declined.",
        verb="declined",
    )
    _notify_managers(
        membership.cluster,
        actor=actor,
        kind="cluster_invitation_declined",
        title=f"{membership.display_name} declined to join {membership.cluster.name}",
        body=note,
    )
    return membership


def _manager_decision(
    membership: ClusterMembership,
    *,
    actor: User,
    note: str,
    allowed_from: Iterable[str],
    to_status: str,
    verb: str,
    title: str,
) -> ClusterMembership:
    permissions.check_manager_side(actor, membership)
    membership = _transition(
        membership,
        actor=actor,
        allowed_from=allowed_from,
        to_status=to_status,
        note=_checked_note(note),
        verb=verb,
    )
    _notify_supplier(
        membership,
        actor=actor,
        kind=f"cluster_membership_{to_status}",
        title=title.format(cluster=membership.cluster.name),
        body=note,
    )
    return membership


@transaction.atomic
def membership_approve(
    *, membership: ClusterMembership, actor: User, note: str = ""
) -> ClusterMembership:
    return _manager_decision(
        membership,
        actor=actor,
        note=note,
        allowed_from=[Status.APPLIED],
        to_status=Status.ACTIVE,
        verb="approved",
        title="Welcome to {cluster}: your application was approved",
    )


@transaction.atomic
def membership_refuse(
    *, membership: ClusterMembership, actor: User, note: str = ""
) -> ClusterMembership:
    return _manager_decision(
        membership,
        actor=actor,
        note=note,
        allowed_from=[Status.APPLIED],
        to_status=Status.REFUSED,
        verb="refused",
        title="{cluster} refused your application",
    )


@transaction.atomic
def membership_suspend(
    *, membership: ClusterMembership, actor: User, note: str = ""
) -> ClusterMembership:
    """A suspended member stays in the cluster, marked: it is not put into consortia."""
    return _manager_decision(
        membership,
        actor=actor,
        note=note,
        allowed_from=[Status.ACTIVE],
        to_status=Status.SUSPENDED,
        verb="suspended",
        title="Your membership of {cluster} is suspended",
    )


@transaction.atomic
def membership_reinstate(
    *, membership: ClusterMembership, actor: User, note: str = ""
) -> ClusterMembership:
    return _manager_decision(
        membership,
        actor=actor,
        note=note,
        allowed_from=[Status.SUSPENDED],
        to_status=Status.ACTIVE,
        verb="reinstated",
        title="Your membership of {cluster} is active again",
    )


@transaction.atomic
def membership_remove(
    *, membership: ClusterMembership, actor: User, note: str = ""
) -> ClusterMembership:
    """A manager ends a membership (or withdraws an invitation); the SME cannot act on it."""
    return _manager_decision(
        membership,
        actor=actor,
        note=note,
        allowed_from=[Status.INVITED, Status.ACTIVE, Status.SUSPENDED],
        to_status=Status.REMOVED,
        verb="removed",
        title="Your firm is no longer a member of {cluster}",
    )


@transaction.atomic
def membership_leave(
    *, membership: ClusterMembership, actor: User, note: str = ""
) -> ClusterMembership:
    """The SME leaves the cluster (or withdraws its application)."""
    permissions.check_member_side(actor, membership)
    membership = _transition(
        membership,
        actor=actor,
        allowed_from=[Status.APPLIED, Status.ACTIVE, Status.SUSPENDED],
        to_status=Status.LEFT,
        note=_checked_note(note),
        verb="left",
    )
    _notify_managers(
        membership.cluster,
        actor=actor,
        kind="cluster_left",
        title=f"{membership.display_name} left {membership.cluster.name}",
        body=note,
    )
    return membership


@transaction.atomic
def membership_set_consent(
    *,
    membership: ClusterMembership,
    actor: User,
    listed_publicly: bool,
    share_contacts: bool,
) -> ClusterMembership:
    """The SME changes what it agreed to: public listing, contacts shown to managers."""
    permissions.check_member_side(actor, membership)
    membership = _locked(membership)
    if not membership.is_open:
        raise refusal({"status": ["This membership has ended."]})
    membership.listed_publicly = bool(listed_publicly)
    membership.share_contacts = bool(share_contacts)
    membership.save(update_fields=["listed_publicly", "share_contacts", "updated_at"])

    def yes_no(value: bool) -> str:
        return "yes" if value else "no"

    _record(
        membership,
        actor=actor,
        from_status=membership.status,
        note=(
            f"Listed publicly: {yes_no(membership.listed_publicly)}; "
            f"contacts shared with managers: {yes_no(membership.share_contacts)}."
        ),
    )
    return membership
