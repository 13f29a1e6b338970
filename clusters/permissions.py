"""Who may do what to clusters and their memberships."""

from typing import Any

from clusters.models import Cluster


def can_manage_cluster(user: Any, cluster: Cluster) -> bool:
    """The user is one of the cluster's managers."""
    return bool(getattr(user, "is_authenticated", False)) and (
        cluster.managers.filter(pk=user.pk).exists()
    )
