"""Writes of e-mail confirmation: proving that a self-registered account's address is
its owner's before the account may post, answer proposals or see contacts.

The link carries a signed, timestamped token (``django.core.signing``) naming the user
and the address it was sent to, so it stops working when it expires
(``EMAIL_CONFIRMATION_MAX_AGE``), when anyone alters it, and when the address changes.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from companies import permissions
from companies.models import User
from companies.tasks import send_email_confirmation_task
from sme_platform.errors import refusal
from sme_platform.outbox import enqueue_on_commit

__all__ = [
    "EMAIL_CONFIRMATION_SALT",
    "email_confirm",
    "email_confirm_by_staff",
    "email_confirmation_request",
    "email_confirmation_send",
    "email_confirmation_token",
    "email_confirmation_url",
]

EMAIL_CONFIRMATION_SALT = "companies.email-confirmation"


def email_confirmation_token(*, user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_CONFIRMATION_SALT)


def email_confirmation_url(*, user: User) -> str:
    path = reverse("email-confirm", kwargs={"token": email_confirmation_token(user=user)})
    return settings.SITE_URL.rstrip("/") + path


def _already_confirmed() -> Exception:
    return refusal({"email": [_("Your e-mail address is already confirmed.")]})


@transaction.atomic
def email_confirmation_request(*, user: User) -> None:
    """Queue a confirmation e-mail (at sign-up, or when the user asks for another)."""
    if user.is_email_confirmed:
        raise _already_confirmed()
    # The job sends only for a request newer than the last e-mail, so a job the outbox
    # delivers twice mails once.
    enqueue_on_commit(send_email_confirmation_task, user.pk, timezone.now().isoformat())


def email_confirmation_send(*, user_id: int, requested_at: dt.datetime) -> bool:
    """Mail the confirmation link for one request; False when there is nothing to send
    (confirmed meanwhile, or this request's e-mail already went out)."""
    sent_at = timezone.now()
    due = User.objects.filter(pk=user_id, email_confirmed_at__isnull=True, is_active=True).filter(
        Q(email_confirmation_sent_at__isnull=True) | Q(email_confirmation_sent_at__lt=requested_at)
    )
    if not due.update(email_confirmation_sent_at=sent_at):
        return False
    user = User.objects.get(pk=user_id)
    url = email_confirmation_url(user=user)
    days = max(1, round(settings.EMAIL_CONFIRMATION_MAX_AGE / 86400))
    try:
        send_mail(
            subject=_("Confirm your e-mail address for %(site)s") % {"site": settings.SITE_NAME},
            message=_(
                "Welcome to %(site)s.\n\n"
                "Confirm that this is your e-mail address by opening this link:\n"
                "%(url)s\n\n"
                "Until you do, you cannot open sourcing requests, answer proposals or see "
                "contact details. The link works for %(days)d days; you can ask for a new "
                "one on the site.\n\n"
                "If you did not sign up, ignore this e-mail."
            )
            % {"site": settings.SITE_NAME, "url": url, "days": days},
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        # Give the mark back so that a retry sends it.
        User.objects.filter(pk=user_id, email_confirmation_sent_at=sent_at).update(
            email_confirmation_sent_at=None
        )
        raise
    return True


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Confirm the address the token was sent to. Following the link again is fine."""
    try:
        data = signing.loads(
            token, salt=EMAIL_CONFIRMATION_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise refusal(
            {"token": [_("This confirmation link has expired. Ask for a new one.")]}
        ) from exc
    except signing.BadSignature as exc:
        raise refusal({"token": [_("This confirmation link is not valid.")]}) from exc
    user = None
    if isinstance(data, dict) and isinstance(data.get("user"), int):
        user = (
            User.objects.select_for_update()
            .filter(pk=data["user"], email=data.get("email"), is_active=True)
            .first()
        )
    if user is None:
        # Signed by us, but for an address the account no longer has.
        raise refusal({"token": [_("This confirmation link is not valid.")]})
    if not user.is_email_confirmed:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


@transaction.atomic
def email_confirm_by_staff(*, user: User, actor: User) -> User:
    """Staff vouch for an address they know (the demo's accounts, a firm they met)."""
    permissions.require_staff(actor)
    if not user.is_email_confirmed:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user
