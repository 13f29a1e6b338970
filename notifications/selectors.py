"""Reads of notifications: a user's own, and the user an unsubscribe link was made for."""

from django.core import signing
from django.db.models import QuerySet

from companies.models import User
from notifications import permissions
from notifications.models import Notification

# The salt keeps unsubscribe tokens from being valid signatures for anything else.
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def user_for_unsubscribe_token(*, token: str) -> User | None:
    """The user a token was made for; None if it was tampered with or the address changed."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        return None
    return User.objects.filter(pk=payload["user"], email=payload.get("email")).first()


def notification_list(*, user: User) -> QuerySet[Notification]:
    if not permissions.may_read_notifications(user):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def notification_unread_count(*, user: User) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


def notification_get(*, user: User, pk: int) -> Notification | None:
    return notification_list(user=user).filter(pk=pk).first()
