"""Forms of the clusters app, one module per concern."""

from clusters.forms.broadcasts import *  # noqa: F403
from clusters.forms.consortia import *  # noqa: F403
from clusters.forms.imports import *  # noqa: F403
from clusters.forms.memberships import *  # noqa: F403
