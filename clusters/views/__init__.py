"""Pages of the clusters app, one module per concern."""

from clusters.views.consortia import *  # noqa: F403
from clusters.views.memberships import *  # noqa: F403
