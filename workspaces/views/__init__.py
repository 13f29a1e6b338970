"""Reads across every app: role dashboards and cluster analytics."""

from workspaces.views.analytics import (
    cluster_analytics,
    cluster_analytics_csv,
)

__all__ = [
    "cluster_analytics",
    "cluster_analytics_csv",
]
