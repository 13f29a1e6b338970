from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from sme_platform.api.views import api_not_found
from sme_platform.health import healthz

# A database outage met outside a view is a 503 page too (sme_platform.unavailable).
handler500 = "sme_platform.unavailable.server_error"

api_v1 = [
    path("", include("companies.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("clusters.api_urls")),
    path("", include("matching.api_urls")),
    path("", include("consortia.api_urls")),
    path("", include("workspaces.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (no inline
    # script), and the template keeps its styles in a static file.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    # Ends in a slash, so that APPEND_SLASH still redirects a path written without one.
    re_path(r"^api/(?:[\s\S]*/)?$", api_not_found, name="api-not-found"),
    path("", include("companies.urls")),
    path("", include("notifications.urls")),
    path("", include("clusters.urls")),
    path("", include("matching.urls")),
    path("", include("consortia.urls")),
    path("", include("workspaces.urls")),
]
