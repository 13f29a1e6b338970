"""Pages of the clusters app, one module per concern."""

from clusters.views.analytics import *  # noqa: F403
from clusters.views.broadcasts import *  # noqa: F403
from clusters.views.consortia import *  # noqa: F403
from clusters.views.imports import *  # noqa: F403
from clusters.views.memberships import *  # noqa: F403
