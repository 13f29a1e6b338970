"""Writes of the clusters app: clusters and their managers, memberships, member
imports, broadcasts and consortia."""

from clusters.services.broadcasts import *  # noqa: F403
from clusters.services.consortia import *  # noqa: F403
from clusters.services.imports import *  # noqa: F403
from clusters.services.memberships import *  # noqa: F403
