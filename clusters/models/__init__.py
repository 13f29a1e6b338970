"""Models of the clusters app, one module per concern: clusters, their managers and
memberships (``memberships``), consortia (``consortia``); member imports and broadcasts."""

from clusters.models.consortia import Consortium, ConsortiumMember
from clusters.models.memberships import Cluster, ClusterMembership, MembershipEvent

__all__ = ["Cluster", "ClusterMembership", "Consortium", "ConsortiumMember", "MembershipEvent"]
