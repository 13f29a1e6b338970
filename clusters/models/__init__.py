"""Models of the clusters app, one module per concern: clusters, their managers and
memberships (``memberships``); member imports, broadcasts and consortia."""

from clusters.models.broadcasts import Broadcast, BroadcastRecipient
from clusters.models.consortia import Consortium, ConsortiumMember
from clusters.models.imports import ImportedFirm, MemberImport
from clusters.models.memberships import Cluster, ClusterMembership, MembershipEvent

__all__ = [
    "Broadcast",
    "BroadcastRecipient",
    "Cluster",
    "ClusterMembership",
    "Consortium",
    "ConsortiumMember",
    "ImportedFirm",
    "MemberImport",
    "MembershipEvent",
]
