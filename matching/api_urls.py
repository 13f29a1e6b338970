"""Routes of the sourcing, search and notifications API, mounted at /api/v1/ ("api")."""

from django.urls import path

from matching import api

urlpatterns = [
    # Sourcing requests
    path("requests/", api.RequestListApi.as_view(), name="request-list"),
    path("requests/<int:pk>/", api.RequestDetailApi.as_view(), name="request-detail"),
    path("requests/<int:pk>/open/", api.RequestOpenApi.as_view(), name="request-open"),
    path("requests/<int:pk>/close/", api.RequestCloseApi.as_view(), name="request-close"),
    path(
        "requests/<int:pk>/linkages/<int:linkage_pk>/award/",
        api.LinkageAwardApi.as_view(),
        name="request-linkage-award",
    ),
    path("open-requests/", api.OpenRequestListApi.as_view(), name="open-request-list"),
    # Supplier search
    path("suppliers/search/", api.SupplierSearchApi.as_view(), name="supplier-search"),
    path("saved-searches/", api.SavedSearchListApi.as_view(), name="saved-search-list"),
    path(
        "saved-searches/<int:pk>/", api.SavedSearchDetailApi.as_view(), name="saved-search-detail"
    ),
    # Notifications
    path("notifications/", api.NotificationListApi.as_view(), name="notification-list"),
    path(
        "notifications/<int:pk>/read/", api.NotificationReadApi.as_view(), name="notification-read"
    ),
    path(
        "notifications/read-all/",
        api.NotificationReadAllApi.as_view(),
        name="notification-read-all",
    ),
]
