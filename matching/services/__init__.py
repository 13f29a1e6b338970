"""Writes of the matching app: requests and saved searches, proposals, match runs."""

from matching.services.proposals import *  # noqa: F403
from matching.services.requests import *  # noqa: F403
from matching.services.runs import *  # noqa: F403
