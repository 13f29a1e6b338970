from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    from companies.notifications import notification_unread_count

    organisation = None
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        organisation = user.organisation
        unread = notification_unread_count(user=user)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "current_organisation": organisation,
        "unread_notifications": unread,
    }
