"""Routes of the workspaces app."""

from django.urls import path

from workspaces import api

urlpatterns = [
    path(
        "clusters/<int:cluster_id>/analytics/",
        api.ClusterAnalyticsApi.as_view(),
        name="cluster-analytics",
    ),
]
