"""The clusters API, one module per concern."""

from clusters.api.memberships import *  # noqa: F403
