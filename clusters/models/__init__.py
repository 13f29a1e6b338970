"""Models of the clusters app, one module per concern: clusters, their managers and
memberships (``memberships``); member imports (``imports``), broadcasts and consortia."""

from clusters.models.imports import ImportedFirm, MemberImport
from clusters.models.memberships import Cluster, ClusterMembership, MembershipEvent

__all__ = ["Cluster", "ClusterMembership", "ImportedFirm", "MemberImport", "MembershipEvent"]
