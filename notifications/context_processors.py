"""What every page shows of the user's notifications: the unread count in the menu."""

from django.http import HttpRequest

from notifications.selectors import notification_unread_count


def unread_notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": notification_unread_count(user=user)}
