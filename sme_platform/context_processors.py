from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    organisation = user.organisation if user is not None and user.is_authenticated else None
    return {"SITE_NAME": settings.SITE_NAME, "current_organisation": organisation}
