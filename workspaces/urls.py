"""Routes of the workspaces app."""

from django.urls import path

from workspaces import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "clusters/<str:slug>/manage/analytics/",
        views.cluster_analytics,
        name="cluster-analytics",
    ),
    path(
        "clusters/<str:slug>/manage/analytics/<str:table>.csv",
        views.cluster_analytics_csv,
        name="cluster-analytics-csv",
    ),
]
