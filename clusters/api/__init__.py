"""The clusters API, one module per concern."""

from clusters.api.analytics import *  # noqa: F403
from clusters.api.broadcasts import *  # noqa: F403
from clusters.api.consortia import *  # noqa: F403
from clusters.api.imports import *  # noqa: F403
from clusters.api.memberships import *  # noqa: F403
