"""Reads of the clusters app, one module per concern: clusters and memberships
(``memberships``), consortia (``consortia``); member imports, broadcasts and analytics."""

from clusters.selectors.analytics import *  # noqa: F403
from clusters.selectors.broadcasts import *  # noqa: F403
from clusters.selectors.consortia import *  # noqa: F403
from clusters.selectors.imports import *  # noqa: F403
from clusters.selectors.memberships import *  # noqa: F403
