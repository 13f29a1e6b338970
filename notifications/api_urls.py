"""Routes of the notifications API, mounted at /api/v1/ ("api")."""

from django.urls import path

from notifications import api

urlpatterns = [
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
