"""Models of the clusters app: clusters, their managers and memberships; member imports."""

from clusters.models.imports import (
    ImportedFirm,
    MemberImport,
)
from clusters.models.memberships import (
    Cluster,
    ClusterMembership,
    MembershipEvent,
)

__all__ = [
    "Cluster",
    "ClusterMembership",
    "ImportedFirm",
    "MemberImport",
    "MembershipEvent",
]
