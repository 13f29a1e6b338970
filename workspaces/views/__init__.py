"""Reads across every app: role dashboards and cluster analytics."""

from workspaces.views.analytics import (
    cluster_analytics,
    cluster_analytics_csv,
)
from workspaces.views.dashboards import (
    dashboard,
)

__all__ = [
    "cluster_analytics",
    "cluster_analytics_csv",
    "dashboard",
]
