from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    organisation = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        organisation = user.organisation
    return {"SITE_NAME": settings.SITE_NAME, "current_organisation": organisation}
