"""Writes of a firm's users: inviting colleagues, accepting an invitation, API tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from companies import permissions
from companies.models import (
    Invitation,
    Organisation,
    User,
)
from companies.services._shared import (
    _attach_cluster_invitations,
    _claim_imported_profile,
    _clean_email_free,
)
from companies.tasks import send_invitation_task
from sme_platform.errors import refusal
from sme_platform.outbox import enqueue_on_commit


@transaction.atomic
def colleague_invite(
    *, organisation: Organisation, actor: User, email: str, role: str = User.Role.MEMBER
) -> Invitation:
    """An owner invites a colleague by e-mail; the e-mail goes out after commit."""
    permissions.require_owner_of(actor, organisation)
    email = email.lower()
    probe = Invitation(organisation=organisation, email=email, role=role)
    probe.full_clean(exclude=["token", "invited_by", "expires_at"])
    if User.objects.filter(email__iexact=email).exists():
        raise refusal({"email": ["This person already has an account on the platform."]})
    if organisation.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).exists():
        raise refusal({"email": ["An invitation to this address is already open."]})
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=actor
    )

    enqueue_on_commit(send_invitation_task, invitation.pk)
    return invitation


def invitation_send(*, invitation: Invitation, accept_url: str) -> Invitation:
    """Send the invitation e-mail and record when it went out."""
    inviter = "A colleague"
    if invitation.invited_by is not None:
        inviter = invitation.invited_by.full_name or invitation.invited_by.email
    return invitation_mail(
        invitation=invitation,
        subject=f"{invitation.organisation.legal_name} invites you to join it",
        message=(
            f"{inviter} invites you to join {invitation.organisation.legal_name} "
            "on the platform.\n\n"
            f"Accept the invitation here: {accept_url}\n\n"
            f"The link is valid until {invitation.expires_at:%Y-%m-%d}."
        ),
    )


def invitation_mail(*, invitation: Invitation, subject: str, message: str) -> Invitation:
    """E-mail an invitation's words to its address and record when it went out."""
    from django.core.mail import send_mail

    # The job may be delivered twice (the outbox sends at least once): whoever marks the
    # row first sends, and gives the mark back when the mail server refuses, for a retry.
    sent_at = timezone.now()
    unsent = Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=True)
    if not unsent.update(sent_at=sent_at):
        invitation.refresh_from_db(fields=["sent_at"])
        return invitation
    try:
        send_mail(
            subject=subject, message=message, from_email=None, recipient_list=[invitation.email]
        )
    except Exception:
        Invitation.objects.filter(pk=invitation.pk, sent_at=sent_at).update(sent_at=None)
        raise
    invitation.sent_at = sent_at
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, full_name: str = "") -> User:
    """The invited colleague creates an account inside the inviting organisation."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(token=token)
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise refusal({"token": ["This invitation is unknown, used or expired."]})
    _clean_email_free(invitation.email)
    user = User(
        email=invitation.email,
        full_name=full_name,
        organisation=invitation.organisation,
        role=invitation.role,
        # The invitation's link went to this address: following it proves the address.
        email_confirmed_at=timezone.now(),
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise refusal({"password": list(exc.messages)}) from exc
    user.set_password(password)
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _claim_imported_profile(invitation.organisation, user)
    _attach_cluster_invitations(invitation.organisation, user)
    return user


def auth_token_issue(*, user: User) -> str:
    """The user's API token, made on first request; the same token until revoked."""
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return token.key
