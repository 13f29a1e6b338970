"""Reads across every app: role dashboards and cluster analytics."""

from workspaces.selectors.analytics import (
    ANALYTICS_TABLES,
    MONTHS_SHOWN,
    RECENT_REQUEST_DAYS,
    ClusterAnalytics,
    analytics_as_dict,
    analytics_table,
    cluster_analytics,
    cluster_get_for_analytics,
    cluster_get_for_analytics_by_id,
)
from workspaces.selectors.dashboards import (
    dashboard_for,
    profile_checklist,
)

__all__ = [
    "ANALYTICS_TABLES",
    "ClusterAnalytics",
    "MONTHS_SHOWN",
    "RECENT_REQUEST_DAYS",
    "analytics_as_dict",
    "analytics_table",
    "cluster_analytics",
    "cluster_get_for_analytics",
    "cluster_get_for_analytics_by_id",
    "dashboard_for",
    "profile_checklist",
]
