"""Reads across every app: role dashboards and cluster analytics."""

from workspaces.api.analytics import (
    ClusterAnalyticsApi,
)

__all__ = [
    "ClusterAnalyticsApi",
]
