"""Who may do what to notifications: asked by services, selectors and views alike."""

from typing import Any

from notifications.models import Notification


def is_recipient_of(user: Any, notification: Notification) -> bool:
    """A notification is its recipient's alone: nobody else reads or marks it."""
    return bool(getattr(user, "is_authenticated", False)) and notification.user_id == user.pk


def may_read_notifications(user: Any) -> bool:
    """Only a logged-in user has notifications."""
    return bool(getattr(user, "is_authenticated", False))
