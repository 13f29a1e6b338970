# Sourcing requests, proposals and match runs arrive with the sourcing and matching issues.
