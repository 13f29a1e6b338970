"""In-app notifications, with an e-mail copy for users who want one.

``notify`` is what every service calls to tell a person something. The e-mail is
sent only after the surrounding transaction commits, so a rolled-back write never
mails anyone, and every e-mail carries a one-click way to stop them: a signed
link to a page that turns ``email_notifications`` off.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from companies.models import Certification, Organisation, User
from notifications import permissions
from notifications.models import Notification
from notifications.selectors import UNSUBSCRIBE_SALT, notification_list
from notifications.tasks import send_notification_email_task
from sme_platform.outbox import enqueue_on_commit

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(*, user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user: User) -> str:
    return absolute_url(
        reverse("notifications-unsubscribe", kwargs={"token": unsubscribe_token(user=user)})
    )


@transaction.atomic
def email_notifications_turn_off(*, user: User) -> User:
    if user.email_notifications:
        user.email_notifications = False
        user.save(update_fields=["email_notifications"])
    return user


def _fit(field: str, value: str) -> str:
    """``value`` cut to the model's limit: telling someone must never fail the write that
    tells them, so an over-long title is shortened rather than refused."""
    model_field = Notification._meta.get_field(field)
    limit = model_field.max_length if isinstance(model_field, models.Field) else None
    return value[:limit] if limit else value


@transaction.atomic
def notify(
    *,
    user: User,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    send_email: bool = True,
    key: str = "",
) -> Notification:
    """Record an in-app notice and, after commit, e-mail a copy if the user wants them.

    With a ``key`` (what the notice is about, see ``Notification.key``) a user is told
    once: a second call with the same key returns the first notice and mails nothing.
    Jobs pass one, as a job may run twice.
    """
    fields = {
        "kind": _fit("kind", kind),
        "title": _fit("title", title),
        "body": body,
        "url": _fit("url", url),
    }
    if key:
        # get_or_create inserts in a savepoint and reads the row back if a concurrent
        # job inserted it first, so the unique constraint decides who tells.
        notification, created = Notification.objects.get_or_create(
            user=user, key=_fit("key", key), defaults=fields
        )
        if not created:
            return notification
    else:
        notification = Notification.objects.create(user=user, **fields)
    if send_email and user.email_notifications and user.email:
        enqueue_on_commit(send_notification_email_task, notification.pk)
    return notification


def notification_email_send(*, notification: Notification) -> None:
    user = notification.user
    link = unsubscribe_url(user=user)
    lines = [notification.title, ""]
    if notification.body:
        lines += [notification.body, ""]
    if notification.url:
        lines += [f"See it here: {absolute_url(notification.url)}", ""]
    lines += [
        "--",
        f"You receive this e-mail because you have an account on {settings.SITE_NAME}.",
        f"To stop these e-mails, open {link}",
    ]
    message = EmailMessage(
        subject=notification.title,
        body="\n".join(lines),
        to=[user.email],
        headers={"List-Unsubscribe": f"<{link}>"},
    )
    # The job may be delivered twice (the outbox sends at least once): whoever marks the
    # notice first sends, and gives the mark back when the mail server refuses, for a retry.
    emailed_at = timezone.now()
    unsent = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True)
    if not unsent.update(emailed_at=emailed_at):
        return
    try:
        message.send()
    except Exception:
        Notification.objects.filter(pk=notification.pk, emailed_at=emailed_at).update(
            emailed_at=None
        )
        raise
    notification.emailed_at = emailed_at


# READS AND READ MARKS
# ------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    if not permissions.is_recipient_of(user, notification):
        # Callers look notifications up through notification_get, so this is a bug.
        raise ValueError("A user marks only their own notifications read.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).update(read_at=timezone.now())


def _owners(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        organisation=organisation, role=User.Role.OWNER, is_active=True
    ).order_by("pk")


@transaction.atomic
def verification_lapsed_tell(*, organisation: Organisation) -> None:
    """Tell the owners why their badge went, so they can ask for it again."""
    for user in _owners(organisation):
        notify(
            user=user,
            kind="verification_lapsed",
            title="Your organisation awaits verification again",
            body=f"The legal name or country of {organisation.legal_name} changed, so staff "
            "will verify it again before it shows the verified badge.",
            url=reverse("organisation-edit", kwargs={"pk": organisation.pk}),
        )


@transaction.atomic
def certification_check_lapsed_tell(*, certification: Certification) -> None:
    """Tell the owners that a changed certificate is shown as awaiting check."""
    for user in _owners(certification.organisation):
        notify(
            user=user,
            kind="certification_lapsed",
            title=f"Your {certification.scheme.name} certificate awaits a check again",
            body="Its number or expiry changed, so staff will check it again.",
            url=reverse("certification-list"),
        )
